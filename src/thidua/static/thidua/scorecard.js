// The running total of a scorecard's self-score: each group's and the overall sum as you
// type. Progressive enhancement: without this script the totals show after saving.
(() => {
  const form = document.querySelector("form[data-running-total]");
  if (!form) return;
  const inputs = Array.from(form.querySelectorAll("input[data-points]"));

  // "4,5" and "4.5" alike; empty counts 0; anything else is not a number.
  const parse = (text) => {
    const value = text.trim().replace(",", ".");
    if (value === "") return 0;
    return /^\d+(\.\d+)?$/.test(value) ? Number(value) : NaN;
  };
  // Hundredths as integers: no floating-point residue in the sums.
  const cents = (number) => Math.round(number * 100);
  const format = (hundredths) => {
    const text = (hundredths / 100).toFixed(2).replace(/\.?0+$/, "");
    return text.replace(".", ",");
  };

  // A field the server marked stays marked until the user changes it.
  const update = (changed) => {
    const groups = new Map();
    let overall = 0;
    for (const input of inputs) {
      if (input === changed) delete input.dataset.serverInvalid;
      const value = parse(input.value);
      const max = Number(input.dataset.max);
      const wrong = Number.isNaN(value) || value > max;
      const marked = wrong || Boolean(input.dataset.serverInvalid);
      input.classList.toggle("is-invalid", marked);
      if (marked) {
        input.setAttribute("aria-invalid", "true");
      } else {
        input.removeAttribute("aria-invalid");
      }
      const counted = wrong ? 0 : cents(value);
      groups.set(input.dataset.group, (groups.get(input.dataset.group) || 0) + counted);
      overall += counted;
    }
    for (const [group, sum] of groups) {
      for (const output of form.querySelectorAll(`[data-group-total="${group}"]`)) {
        output.textContent = format(sum);
      }
    }
    for (const output of form.querySelectorAll("[data-overall-total]")) {
      output.textContent = format(overall);
    }
  };

  for (const input of inputs) {
    if (input.getAttribute("aria-invalid") === "true") input.dataset.serverInvalid = "1";
  }
  form.addEventListener("input", (event) => {
    if (event.target.matches("input[data-points]")) update(event.target);
  });
  // The inputs may hold what a refused save sent back: total them at once.
  update(null);
})();

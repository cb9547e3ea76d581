// Expand a unit of the tree in place: fetch its children once, then toggle.
document.addEventListener("click", async (event) => {
  const button = event.target.closest("button[data-children-url]");
  if (!button) return;
  const box = button.parentElement.querySelector(":scope > .children");
  const open = button.getAttribute("aria-expanded") === "true";
  if (open) {
    box.hidden = true;
    button.setAttribute("aria-expanded", "false");
    button.textContent = "+";
    return;
  }
  if (!box.dataset.loaded) {
    button.disabled = true;
    try {
      const response = await fetch(button.dataset.childrenUrl, {headers: {"X-Requested-With": "fetch"}});
      // An expired session answers with the login page: go there instead of nesting it.
      if (response.redirected) { window.location.href = response.url; return; }
      if (!response.ok) throw new Error(response.status);
      box.innerHTML = await response.text();
      box.dataset.loaded = "1";
    } catch (error) {
      box.innerHTML = '<div class="text-danger small">Không tải được danh sách đơn vị cấp dưới. Vui lòng thử lại.</div>';
    } finally {
      button.disabled = false;
    }
  }
  box.hidden = false;
  button.setAttribute("aria-expanded", "true");
  button.textContent = "−";
});

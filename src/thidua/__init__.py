"""ThiĐua: emulation movements and commendation, end to end."""

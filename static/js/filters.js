// Keep shared filter links short: leave empty fields out of HTMX filter requests,
// so the address bar reads "?land=sachsen-anhalt" rather than "?q=&land=sachsen-anhalt&seit_von=…".
document.addEventListener("htmx:configRequest", (event) => {
  if (!event.detail.elt.closest("form[data-drop-empty]")) return;
  const data = event.detail.formData;
  for (const name of new Set(data.keys())) {
    if (data.getAll(name).every((value) => value === "")) data.delete(name);
  }
});

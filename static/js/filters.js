// Keep shared filter links short: leave empty fields out of HTMX filter requests,
// so the address bar reads "?land=sachsen-anhalt" rather than "?q=&land=sachsen-anhalt&seit_von=…".
document.addEventListener("htmx:configRequest", (event) => {
  if (!event.detail.elt.closest("form[data-drop-empty]")) return;
  const data = event.detail.formData;
  for (const name of new Set(data.keys())) {
    if (data.getAll(name).every((value) => value === "")) data.delete(name);
  }
});

// The network picker's choices (templates/networks/network_picker.html) are re-rendered while the
// visitor types or picks states, and may arrive after a box was ticked or unticked meanwhile:
// what the visitor did wins over the answer, for every network that is still offered.
let pickerState = null;
document.addEventListener("htmx:beforeSwap", (event) => {
  if (event.detail.target.id !== "network-choices") return;
  pickerState = new Map([...event.detail.target.querySelectorAll("input[type=checkbox]")].map((box) => [box.value, box.checked]));
});
document.addEventListener("htmx:afterSwap", (event) => {
  if (event.detail.target.id !== "network-choices" || !pickerState) return;
  for (const box of event.detail.target.querySelectorAll("input[type=checkbox]")) {
    if (pickerState.has(box.value)) box.checked = pickerState.get(box.value);
  }
  pickerState = null;
});

// The network search only finds networks to tick: leaving the field changes no filter, so its
// "change" must not reach the form (which would reload the unchanged results). The town search
// has already replaced the list (and the address) while the visitor typed: leaving it must not
// push the same address onto the history a second time.
document.addEventListener("change", (event) => {
  if (event.target.id === "id_netzwerk_suche" || event.target.id === "id_q") event.stopPropagation();
}, true);

// On phones and narrow windows the town map stands above the list, folded to its summary line
// ("Karte"), so the results come first; it stays open or folded as the visitor last chose, also
// when htmx brings a new list and map. Without JavaScript it is simply open.
const narrow = window.matchMedia("(max-width: 74.99rem)");
let mapWanted = false;
document.addEventListener("toggle", (event) => {
  if (event.target.matches && event.target.matches("details[data-fold-on-phone]")) mapWanted = event.target.open;
}, true);
function foldMaps(root) {
  if (!narrow.matches) return;
  for (const box of root.querySelectorAll("details[data-fold-on-phone]")) box.open = mapWanted;
}
foldMaps(document);
document.addEventListener("htmx:load", (event) => foldMaps(event.detail.elt.parentElement || document));

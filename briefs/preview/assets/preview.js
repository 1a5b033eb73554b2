// The preview's pages follow the builds: the server says when something changed (server-sent
// events), and the page asks for its edition's state and shows the new version in place.
"use strict";

const edition = document.body.dataset.edition;  // "brief/lang", or "" on the catalogue
let shown = document.body.dataset.version;
let source = null;
let queue = Promise.resolve();

function say(text) {
  const status = document.getElementById("status");
  if (status && status.textContent !== text) status.textContent = text;
}

// A hidden tab lets its connection go: browsers allow few at once to one server.
function connect() {
  if (source || document.hidden) return;
  source = new EventSource("/events" + (edition ? "?edition=" + encodeURIComponent(edition) : ""));
  source.onopen = refresh;
  source.onmessage = refresh;
  source.onerror = () => say("The preview is not answering: waiting for it to start again…");
}

document.addEventListener("visibilitychange", () => {
  if (document.hidden && source) {
    source.close();
    source = null;
  } else {
    connect();
  }
});

// One refresh at a time, in order, so that an older state never replaces a newer one.
function refresh() {
  queue = queue.then(edition ? refreshEdition : refreshCatalogue).catch(() => {});
}

async function refreshCatalogue() {
  const response = await fetch("/", {cache: "no-store"});
  const page = new DOMParser().parseFromString(await response.text(), "text/html");
  document.getElementById("catalogue").replaceWith(page.getElementById("catalogue"));
  say("");
}

async function refreshEdition() {
  const response = await fetch(`/status/${edition}.json`, {cache: "no-store"});
  if (!response.ok) {
    say("The project has no such edition any more.");
    return;
  }
  const status = await response.json();
  say(status.state === "building" ? "Building…" : status.updating ? "Updating…" : "");
  if (status.version === shown) return;
  if (status.title) document.getElementById("title").textContent = status.title;
  document.getElementById("summary").innerHTML = status.summary;  // made and escaped by the server
  const problems = document.getElementById("problems");
  problems.querySelector("pre").textContent = status.problems;
  problems.hidden = status.state !== "error";
  const panes = document.querySelector(".panes");
  panes.classList.toggle("stale", status.state !== "ready");
  if (status.state === "ready") await Promise.all([showWeb(status.web), showSheets(status.sheets)]);
  shown = document.body.dataset.version = status.version;
  window.previewShownAt = Date.now();  // for the benchmark: when the new version was on screen
}

// The new web page loads in a second frame, scrolled where the first one was, then takes its place.
function showWeb(address) {
  const old = document.querySelector("iframe.web-page");
  const next = old.cloneNode(false);
  next.classList.add("loading");
  const y = old.contentWindow ? old.contentWindow.scrollY : 0;
  return new Promise(resolve => {
    next.addEventListener("load", () => {
      next.contentWindow.scrollTo(0, y);
      next.classList.remove("loading");
      old.remove();
      next.addEventListener("load", followLinks);
      resolve();
    }, {once: true});
    next.src = address;
    old.after(next);
  });
}

// A link to another edition, followed in the frame, opens that edition's preview.
function followLinks(event) {
  const path = event.target.contentWindow.location.pathname;
  const found = path.match(/^\/web\/([a-z0-9-]+)\/\1\.([a-z]+)\.html$/);
  if (found && `${found[1]}/${found[2]}` !== edition) window.location = `/preview/${found[1]}/${found[2]}`;
}

// Pictures change in place: a browser shows the old one until the new one is ready.
function showSheets(sheets) {
  const list = document.getElementById("sheets");
  while (list.children.length > sheets.length) list.lastElementChild.remove();
  return Promise.all(sheets.map((sheet, index) => {
    let item = list.children[index];
    if (!item) {
      item = document.createElement("li");
      const picture = document.createElement("img");
      picture.loading = "lazy";
      item.appendChild(picture);
      list.appendChild(item);
    }
    const picture = item.firstElementChild;
    Object.assign(picture, {alt: sheet.alt, width: sheet.width, height: sheet.height, src: sheet.src});
    return onScreen(picture) ? picture.decode().catch(() => {}) : null;
  }));
}

function onScreen(element) {
  const box = element.getBoundingClientRect();
  return box.bottom > 0 && box.top < window.innerHeight;
}

function setWidth() {
  const width = document.getElementById("width").value;
  document.querySelector(".frames").style.width = width ? `${width}px` : "";
}

const widthChoice = document.getElementById("width");
if (widthChoice) widthChoice.addEventListener("change", setWidth);
const first = document.querySelector("iframe.web-page");
if (first) first.addEventListener("load", followLinks);
connect();

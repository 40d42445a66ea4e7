// The overview refreshes its live part in place: the same fragment the server rendered, fetched again from the
// same origin every interval. Without this script the page still works; it only stops updating itself.
(() => {
  'use strict';
  const live = document.getElementById('live');
  const status = document.getElementById('refresh-status');
  if (!live || !status) {
    return;
  }
  const every = Number(live.dataset.interval) || 2000;
  const refresh = async () => {
    // Replacing the part a keyboard user is in would throw their focus back to the top of the page.
    if (live.contains(document.activeElement)) {
      status.textContent = 'Not refreshed while the focus is in it.';
      setTimeout(refresh, every);
      return;
    }
    try {
      const response = await fetch(live.dataset.refresh, { credentials: 'same-origin', cache: 'no-store' });
      if (!response.ok) {
        throw new Error('HTTP ' + response.status);
      }
      live.innerHTML = await response.text();
      status.textContent = 'Live: refreshed at ' + new Date().toLocaleTimeString() + '.';
    } catch (error) {
      status.textContent = 'Not refreshed: the dashboard did not answer (' + error.message + '). Trying again.';
    }
    setTimeout(refresh, every);
  };
  setTimeout(refresh, every);
})();

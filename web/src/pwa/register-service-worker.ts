/**
 * Registers the service worker that keeps the application shell and the last virtual card
 * available offline (web/public/sw.js). Skipped where unsupported or on plain HTTP hosts other
 * than localhost, where browsers refuse it anyway.
 */
export function registerServiceWorker(): void {
  if (!('serviceWorker' in navigator)) return;
  window.addEventListener('load', () => {
    navigator.serviceWorker.register('/sw.js', { scope: '/' }).catch(() => {
      // Not installable here (e.g. plain HTTP on another host): the app works online all the same.
    });
  });
}

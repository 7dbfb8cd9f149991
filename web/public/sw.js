/*
 * campuscard service worker: the application shell and the last virtual card stay available
 * offline. Hashed assets are cached for good; pages and the card data the virtual card needs are
 * fetched from the network first and served from the cache only when the network fails. The public
 * verification answer is never cached (a revoked card must not look valid). Logging out empties
 * the data cache.
 */
const VERSION = 'v1';
const SHELL_CACHE = `campuscard-shell-${VERSION}`;
const DATA_CACHE = `campuscard-data-${VERSION}`;
const SHELL_URLS = ['/', '/manifest.webmanifest', '/icons/icon.svg', '/icons/icon-192.png'];

/** API reads the virtual card needs offline: who am I, my cards, a card, its face, QR, photo, institution. */
const OFFLINE_API = [
  /^\/api\/v1\/auth\/session$/,
  /^\/api\/v1\/me$/,
  /^\/api\/v1\/me\/cards$/,
  /^\/api\/v1\/me\/cards\/[0-9a-f-]{36}\/face\.svg$/,
  /^\/api\/v1\/cards\/[0-9a-f-]{36}$/,
  /^\/api\/v1\/cards\/[0-9a-f-]{36}\/(qr\.svg|esc)$/,
  /^\/api\/v1\/photos\/[0-9a-f-]{36}$/,
  /^\/api\/v1\/institution(\/logo)?$/,
];

async function precacheShell() {
  const cache = await caches.open(SHELL_CACHE);
  await cache.addAll(SHELL_URLS);
  // The entry page names its hashed scripts and styles: cache them too, so a first visit is enough.
  const page = await (await fetch('/', { cache: 'no-cache' })).text();
  const assets = [...page.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map((match) => match[1]);
  await cache.addAll(assets);
}

self.addEventListener('install', (event) => {
  event.waitUntil(precacheShell().then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) {
      if (name !== SHELL_CACHE && name !== DATA_CACHE) await caches.delete(name);
    }
    await self.clients.claim();
  })());
});

self.addEventListener('message', (event) => {
  if (event.data && event.data.type === 'logout') event.waitUntil(caches.delete(DATA_CACHE));
});

async function networkFirst(request, cacheName, fallbackUrl) {
  const cache = await caches.open(cacheName);
  try {
    const response = await fetch(request);
    if (response.ok) await cache.put(fallbackUrl || request, response.clone());
    return response;
  } catch (error) {
    const cached = await cache.match(fallbackUrl || request);
    if (cached) return cached;
    throw error;
  }
}

async function cacheFirst(request) {
  const cache = await caches.open(SHELL_CACHE);
  const cached = await cache.match(request);
  if (cached) return cached;
  const response = await fetch(request);
  if (response.ok) await cache.put(request, response.clone());
  return response;
}

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname.startsWith('/assets/') || url.pathname.startsWith('/icons/')) {
    event.respondWith(cacheFirst(request));
  } else if (request.mode === 'navigate' && !url.pathname.startsWith('/api/') && !url.pathname.startsWith('/v/')) {
    event.respondWith(networkFirst(request, SHELL_CACHE, '/'));
  } else if (OFFLINE_API.some((pattern) => pattern.test(url.pathname)) && url.search === '') {
    event.respondWith(networkFirst(request, DATA_CACHE));
  }
});

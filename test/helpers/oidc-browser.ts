/**
 * A minimal browser for the OpenID provider's pages (tests and the SSO benchmark): follows its
 * redirects with a cookie jar, fills its login form, confirms its logout form, and stops at the
 * first redirect that leaves the provider (our callback or post-logout URL), which it answers.
 */

/** Cookies per host (paths ignored: the provider reads its cookies by name). */
export class CookieJar {
  private readonly cookies = new Map<string, Map<string, string>>();

  header(url: URL): string {
    return [...(this.cookies.get(url.host) ?? new Map<string, string>())].map(([name, value]) => `${name}=${value}`).join('; ');
  }

  store(url: URL, response: Response): void {
    const jar = this.cookies.get(url.host) ?? new Map<string, string>();
    for (const line of response.headers.getSetCookie()) {
      const [pair = '', ...attributes] = line.split(';');
      const index = pair.indexOf('=');
      const name = pair.slice(0, index).trim();
      const value = pair.slice(index + 1).trim();
      const expired = attributes.some((attribute) => {
        const [key = '', val = ''] = attribute.split('=').map((part) => part.trim());
        return (key.toLowerCase() === 'max-age' && Number(val) <= 0)
          || (key.toLowerCase() === 'expires' && new Date(val).getTime() < Date.now());
      });
      if (expired || value === '') jar.delete(name);
      else jar.set(name, value);
    }
    this.cookies.set(url.host, jar);
  }
}

async function step(jar: CookieJar, url: URL, init: { method?: string; form?: URLSearchParams } = {}): Promise<Response> {
  const cookie = jar.header(url);
  const response = await fetch(url, {
    method: init.method ?? 'GET',
    redirect: 'manual',
    headers: {
      ...(cookie ? { cookie } : {}),
      ...(init.form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
    },
    ...(init.form ? { body: init.form.toString() } : {}),
  });
  jar.store(url, response);
  return response;
}

/** Follows provider redirects from `start` until one leaves `provider` (a URL prefix); answers that URL (or the last page). */
async function follow(jar: CookieJar, provider: string, start: Response, from: URL): Promise<{ left?: URL; page?: { url: URL; html: string } }> {
  let response = start;
  let url = from;
  for (let hops = 0; hops < 10; hops++) {
    const location = response.headers.get('location');
    if (!location || response.status < 300 || response.status >= 400) {
      return { page: { url, html: await response.text() } };
    }
    await response.body?.cancel();
    url = new URL(location, url);
    if (!url.href.startsWith(provider)) return { left: url };
    response = await step(jar, url);
  }
  throw new Error('too many redirects at the provider');
}

/** Opens the authorization URL and answers the provider's login page as a browser would see it. */
export async function providerLoginPage(authorizationUrl: string, jar: CookieJar = new CookieJar()): Promise<string> {
  const start = new URL(authorizationUrl);
  const result = await follow(jar, start.origin, await step(jar, start), start);
  if (!result.page) throw new Error(`the provider sent the browser on to ${result.left?.href}`);
  return result.page.html;
}

/**
 * Opens the authorization URL, signs in with the form when the provider asks, and answers the
 * URL the provider finally sends the browser to (our callback with `code`, `state`, `iss`).
 * `provider` is the URL prefix of the provider's pages (its origin, or its issuer when mounted).
 * Throws when the provider answers a page instead (wrong password, error page).
 */
export async function signInAtProvider(authorizationUrl: string, user: { username: string; password: string },
  jar: CookieJar = new CookieJar(), provider: string = new URL(authorizationUrl).origin): Promise<URL> {
  const start = new URL(authorizationUrl);
  let result = await follow(jar, provider, await step(jar, start), start);
  if (result.page && /name="username"/.test(result.page.html)) {
    const action = /<form method="post" action="([^"]+)"/.exec(result.page.html)?.[1];
    if (!action) throw new Error('no login form');
    const target = new URL(action.replace(/&#(\d+);/g, (_m, code: string) => String.fromCharCode(Number(code))), result.page.url);
    const form = new URLSearchParams({ username: user.username, password: user.password });
    result = await follow(jar, provider, await step(jar, target, { method: 'POST', form }), target);
  }
  if (!result.left) throw new Error(`the provider answered a page: ${result.page?.html.replace(/<[^>]+>/g, ' ').slice(0, 300)}`);
  return result.left;
}

/**
 * Opens the provider's end-session URL and confirms its logout form (which makes the provider
 * send the back-channel logout tokens); answers where the provider sends the browser next.
 */
export async function signOutAtProvider(endSessionUrl: string, jar: CookieJar): Promise<URL | undefined> {
  const start = new URL(endSessionUrl);
  const shown = await follow(jar, start.origin, await step(jar, start), start);
  if (shown.left) return shown.left;
  const html = shown.page?.html ?? '';
  const action = /<form[^>]*id="op.logoutForm"[^>]*action="([^"]+)"|<form[^>]*action="([^"]+)"[^>]*id="op.logoutForm"/.exec(html);
  const target = new URL((action?.[1] ?? action?.[2]) ?? '/session/end/confirm', start);
  const form = new URLSearchParams({ logout: 'yes' });
  for (const input of html.matchAll(/<input[^>]*type="hidden"[^>]*name="([^"]+)"[^>]*value="([^"]*)"/g)) {
    form.set(input[1] ?? '', input[2] ?? '');
  }
  const done = await follow(jar, start.origin, await step(jar, target, { method: 'POST', form }), target);
  return done.left;
}

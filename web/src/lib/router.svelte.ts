/** Hash routes (#/jobs/ID…): the daemon serves one index.html, and a reload keeps the page. */
export type Route =
  | { page: 'dashboard' }
  | { page: 'history' }
  | { page: 'job'; id: string }
  | { page: 'vms' }
  | { page: 'terminal'; id: string };

export function parseRoute(hash: string): Route {
  const path = hash.replace(/^#/, '') || '/';
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  if (parts[0] === 'jobs' && parts[1]) return { page: 'job', id: parts[1] };
  if (parts[0] === 'jobs') return { page: 'history' };
  if (parts[0] === 'vms') return { page: 'vms' };
  if (parts[0] === 'terminal' && parts[1]) return { page: 'terminal', id: parts[1] };
  return { page: 'dashboard' };
}

export function href(route: Route): string {
  switch (route.page) {
    case 'dashboard':
      return '#/';
    case 'history':
      return '#/jobs';
    case 'job':
      return `#/jobs/${encodeURIComponent(route.id)}`;
    case 'vms':
      return '#/vms';
    case 'terminal':
      return `#/terminal/${encodeURIComponent(route.id)}`;
  }
}

export class Router {
  route = $state<Route>(parseRoute(location.hash));

  constructor() {
    addEventListener('hashchange', () => (this.route = parseRoute(location.hash)));
  }

  go(route: Route): void {
    location.hash = href(route).slice(1);
  }
}

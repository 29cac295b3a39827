import { useEffect } from 'react';
import { useLocation, useNavigate } from 'react-router';
import { onTokenChange } from '../../app/auth';
import { useViewer } from '../../app/viewer';

/** Set by a sign-in (a new token), consumed by the first landing on `/` once the role is known. */
let justSignedIn = false;
onTokenChange((token) => {
  justSignedIn = token != null;
});

/** For tests: as if a sign-in just happened (or not). */
export function setJustSignedIn(value: boolean): void {
  justSignedIn = value;
}

/**
 * Makes the analytics dashboard the landing page after sign-in for MANAGER and ADMIN: the
 * first arrival on `/` after a login redirects them to `/analytics`. Agents keep the inbox;
 * later visits of `/` (the Inbox link, a reload) show the inbox to everyone.
 */
export function AnalyticsLanding() {
  const { viewer, isManager } = useViewer({ cacheOnly: true });
  const { pathname } = useLocation();
  const navigate = useNavigate();
  useEffect(() => {
    if (!justSignedIn || !viewer) return;
    justSignedIn = false;
    if (isManager && pathname === '/') void navigate('/analytics', { replace: true });
  }, [viewer, isManager, pathname, navigate]);
  return null;
}

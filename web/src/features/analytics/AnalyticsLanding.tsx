import { useEffect } from 'react';
import { useLocation, useNavigate } from 'react-router';
import { takeJustSignedIn } from '../../app/auth';
import { useViewer } from '../../app/viewer';

export { setJustSignedIn } from '../../app/auth';

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
    if (!viewer || !takeJustSignedIn()) return;
    if (isManager && pathname === '/') void navigate('/analytics', { replace: true });
  }, [viewer, isManager, pathname, navigate]);
  return null;
}

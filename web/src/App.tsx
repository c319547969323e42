import { useCallback, useEffect, useState } from 'react';
import { isApiError, setUnauthenticatedHandler } from './api/client.ts';
import { getMe, signOut } from './api/endpoints.ts';
import type { User } from './api/types.ts';
import { EmptyState } from './components/EmptyState.tsx';
import { ErrorMessage } from './components/ErrorMessage.tsx';
import { Header } from './components/Header.tsx';
import { roleAllows } from './domain.ts';
import { Link, matchRoute, navigate, paths, type Route, useLocation } from './router.ts';
import { AuditScreen } from './screens/audit/AuditScreen.tsx';
import { OrderImportScreen, ProductImportScreen, ReceiptImportScreen } from './screens/imports/ImportScreens.tsx';
import { OrderScreen } from './screens/orders/OrderScreen.tsx';
import { OrdersScreen } from './screens/orders/OrdersScreen.tsx';
import { PackingScreen } from './screens/packing/PackingScreen.tsx';
import { ProductFormScreen } from './screens/products/ProductFormScreen.tsx';
import { ProductsScreen } from './screens/products/ProductsScreen.tsx';
import { ReceivingScreen } from './screens/receiving/ReceivingScreen.tsx';
import { NewRecallScreen } from './screens/recalls/NewRecallScreen.tsx';
import { RecallScreen } from './screens/recalls/RecallScreen.tsx';
import { RecallsScreen } from './screens/recalls/RecallsScreen.tsx';
import { ReportScreen } from './screens/report/ReportScreen.tsx';
import { ReturnsScreen } from './screens/returns/ReturnsScreen.tsx';
import { SerialScreen } from './screens/serials/SerialScreen.tsx';
import { SettingsScreen } from './screens/settings/SettingsScreen.tsx';
import { SignInScreen } from './screens/sign-in/SignInScreen.tsx';
import { SessionProvider } from './session.tsx';

/** Where a user lands after signing in: packers and admins at the packing station. */
export const homePath = (user: User) => (roleAllows(user.role, 'packer') ? '/packing' : '/orders');

function Screen({ route, user }: { route: Route; user: User }) {
  switch (route.name) {
    case 'products':
      return <ProductsScreen />;
    case 'product-new':
      return <ProductFormScreen sku={null} />;
    case 'product-edit':
      return <ProductFormScreen sku={route.sku} />;
    case 'product-import':
      return <ProductImportScreen />;
    case 'order-import':
      return <OrderImportScreen />;
    case 'receipt-import':
      return <ReceiptImportScreen />;
    case 'settings':
      return <SettingsScreen />;
    case 'orders':
      return <OrdersScreen />;
    case 'order':
      return <OrderScreen orderNumber={route.orderNumber} />;
    case 'packing':
      return <PackingScreen />;
    case 'receiving':
      return <ReceivingScreen />;
    case 'returns':
      return <ReturnsScreen />;
    case 'serial':
      return <SerialScreen serial={route.serial} />;
    case 'report':
      return <ReportScreen />;
    case 'audit':
      return <AuditScreen />;
    case 'recalls':
      return <RecallsScreen />;
    case 'recall-new':
      return <NewRecallScreen />;
    case 'recall':
      return <RecallScreen id={route.id} />;
    case 'home':
    case 'sign-in':
      return null;
    case 'not-found':
      return (
        <section>
          <h1>Page not found</h1>
          <EmptyState title={`There is no page at ${route.path}.`}>
            <Link to={homePath(user)}>Go to the start page</Link>
          </EmptyState>
        </section>
      );
  }
}

export function App() {
  const location = useLocation();
  const route = matchRoute(location.pathname);
  /** undefined while the session is being checked; null when signed out. */
  const [user, setUser] = useState<User | null | undefined>(undefined);
  const [bootError, setBootError] = useState<unknown>(null);

  const checkSession = useCallback(() => {
    setBootError(null);
    getMe()
      .then((answer) => setUser(answer.user))
      .catch((error: unknown) => {
        if (isApiError(error) && error.status === 401) setUser(null);
        else setBootError(error);
      });
  }, []);

  useEffect(() => {
    checkSession();
    setUnauthenticatedHandler(() => setUser(null));
    return () => setUnauthenticatedHandler(null);
  }, [checkSession]);

  // Signed out (or the session ended): to the sign-in page, coming back here afterwards.
  useEffect(() => {
    if (user === null && route.name !== 'sign-in') {
      navigate(paths.signIn(location.pathname + location.search), { replace: true });
    }
    if (user && (route.name === 'home' || route.name === 'sign-in')) {
      const next = route.name === 'sign-in' ? location.query.get('next') : null;
      navigate(next && next.startsWith('/') && !next.startsWith('//') ? next : homePath(user), { replace: true });
    }
  }, [user, route.name, location.pathname, location.search, location.query]);

  const onSignOut = useCallback(() => {
    signOut()
      .catch(() => undefined)
      .finally(() => {
        setUser(null);
        navigate(paths.signIn(), { replace: true });
      });
  }, []);

  if (bootError) {
    return (
      <main className="boot" id="main">
        <h1>Unitrace</h1>
        <ErrorMessage error={bootError} />
        <button type="button" onClick={checkSession}>
          Try again
        </button>
      </main>
    );
  }
  if (user === undefined) {
    return (
      <main className="boot" id="main" aria-busy="true">
        <p>Loading…</p>
      </main>
    );
  }
  if (user === null) {
    return route.name === 'sign-in' ? <SignInScreen onSignedIn={setUser} /> : null;
  }
  return (
    <SessionProvider value={{ user, signOut: onSignOut }}>
      <Header user={user} pathname={location.pathname} onSignOut={onSignOut} />
      <main id="main" className={`screen screen-${route.name}`}>
        <Screen route={route} user={user} />
      </main>
    </SessionProvider>
  );
}

import { createContext, type ReactNode, useContext } from 'react';
import type { Role, User } from './api/types.ts';
import { roleAllows } from './domain.ts';

type Session = { user: User; signOut: () => void };

const SessionContext = createContext<Session | null>(null);

export function SessionProvider({ value, children }: { value: Session; children: ReactNode }) {
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside a signed-in page');
  return session;
}

/** Whether the signed-in user's role may do what `needed` allows (the server checks again). */
export function useCan(needed: Role): boolean {
  return roleAllows(useSession().user.role, needed);
}

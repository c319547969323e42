/** The sign-in form's own checks, before asking the server: a message naming the field, or null. */
export function checkSignIn(email: string, password: string): string | null {
  const trimmed = email.trim();
  if (!trimmed) return 'email: required';
  if (!/^[^\s@]+@[^\s@]+$/.test(trimmed)) return 'email: must be an email address like name@example.com';
  if (!password) return 'password: required';
  return null;
}

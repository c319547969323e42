/** The roles as an admin chooses one for someone (a user or an API key), least first. */
export const roleChoices = [
  { value: 'viewer', label: 'viewer: reads orders, serials and reports' },
  { value: 'packer', label: 'packer: also packs, ships, receives and takes returns' },
  { value: 'admin', label: 'admin: everything, people, keys and settings too' },
] as const;

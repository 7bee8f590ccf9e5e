// Who is signed in, and which of the console's areas the key's role may use. The server's access
// rules decide (docs/security.md); the console only leaves out what the role would be refused.

export const AREAS = [
  { area: "catalog", label: "Catalog", path: "/catalog", roles: ["ADMIN", "COMPLIANCE", "DATA_SCIENTIST"] },
  { area: "training", label: "Training sets", path: "/training-sets", roles: ["ADMIN", "COMPLIANCE", "DATA_SCIENTIST"] },
  { area: "lineage", label: "Lineage", path: "/lineage", roles: ["ADMIN", "COMPLIANCE"] },
  { area: "erasure", label: "Erasure", path: "/erasures", roles: ["ADMIN", "COMPLIANCE"] },
  { area: "audit", label: "Audit log", path: "/audit", roles: ["ADMIN", "COMPLIANCE"] },
  { area: "governance", label: "Grants", path: "/grants", roles: ["ADMIN", "COMPLIANCE"] },
];

/** The signed-in key as GET /api/v1/api-keys/current shows it ({id, name, role}), or null. */
export let identity = null;

export function setIdentity(key) {
  identity = key;
}

export function areasOfRole() {
  return identity === null ? [] : AREAS.filter((entry) => entry.roles.includes(identity.role));
}

export function mayUse(area) {
  return areasOfRole().some((entry) => entry.area === area);
}

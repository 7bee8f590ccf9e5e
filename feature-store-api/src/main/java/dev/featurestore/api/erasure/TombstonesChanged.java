package dev.featurestore.api.erasure;

/**
 * Tombstones were laid (an erasure was requested) or lifted through this server: the online lookups
 * load them now rather than at their next poll.
 */
public record TombstonesChanged() {}

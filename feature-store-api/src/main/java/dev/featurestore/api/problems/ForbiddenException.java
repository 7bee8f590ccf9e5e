package dev.featurestore.api.problems;

/**
 * The caller's role may see what it names, but not read it this way (a COMPLIANCE key asking for a
 * group's rows). Maps to HTTP 403: unlike a role refused a whole path, which answers 404, the
 * caller already knows the resource exists, so saying so leaks nothing.
 */
public class ForbiddenException extends RuntimeException {
  public ForbiddenException(String message) {
    super(message);
  }
}

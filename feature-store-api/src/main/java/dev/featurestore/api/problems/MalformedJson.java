package dev.featurestore.api.problems;

import tools.jackson.core.JacksonException;

/** The message for a body that is not JSON: where it broke, so that it can be fixed there. */
public final class MalformedJson {
  private MalformedJson() {}

  public static String message(JacksonException e) {
    String where =
        e.getLocation() == null || e.getLocation().getLineNr() < 1
            ? ""
            : " at line "
                + e.getLocation().getLineNr()
                + ", column "
                + e.getLocation().getColumnNr();
    return "is not valid JSON" + where + ": " + e.getOriginalMessage();
  }
}

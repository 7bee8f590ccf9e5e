package dev.featurestore.core.training;

import static java.util.Objects.requireNonNull;

/** A file format a spine may be uploaded in: its name (for the audit log) and media type. */
public record SpineFormat(String name, String mediaType) {
  public SpineFormat {
    requireNonNull(name, "name is null");
    requireNonNull(mediaType, "mediaType is null");
  }
}

package dev.featurestore.api.openapi;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The operation reads rows from its body, in the format its Content-Type names: the OpenAPI
 * document shows one body per format (the handler reads the request's stream itself).
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface RowsBody {
  /** The media types, from {@link dev.featurestore.core.ingest.RowMediaTypes}. */
  String[] value();

  /** The example of a CSV body: a commit's rows unless the operation takes other columns. */
  String csvExample() default JsonRows.CSV_EXAMPLE;
}

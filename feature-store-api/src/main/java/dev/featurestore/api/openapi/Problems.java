package dev.featurestore.api.openapi;

import dev.featurestore.api.problems.ErrorCode;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The problems an operation may answer beyond those every operation may ({@link
 * ApiDocumentation#EVERY_OPERATION}): the OpenAPI document lists them with their status.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface Problems {
  ErrorCode[] value();
}

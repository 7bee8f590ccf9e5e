package dev.featurestore.api.security;

import dev.featurestore.api.openapi.Tags;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The calling key itself (never its secret): clients such as the console learn from it whether a
 * key is valid and which role it has, so that they offer only what the role may do.
 */
@Tag(name = Tags.API_KEYS)
@RestController
class CurrentKeyController {
  @Operation(
      operationId = "currentApiKey",
      summary = "The key this call is made with",
      description = "Its id, name and role, for any role: which key am I using?")
  @GetMapping("/api/v1/api-keys/current")
  ApiKeyController.ApiKeyView current() {
    return ApiKeyController.ApiKeyView.of(Caller.current().key());
  }
}

package dev.featurestore.api.security;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The calling key itself (never its secret): clients such as the console learn from it whether a
 * key is valid and which role it has, so that they offer only what the role may do.
 */
@RestController
class CurrentKeyController {
  @GetMapping("/api/v1/api-keys/current")
  ApiKeyController.ApiKeyView current() {
    return ApiKeyController.ApiKeyView.of(Caller.current().key());
  }
}

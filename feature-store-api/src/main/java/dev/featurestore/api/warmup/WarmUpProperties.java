package dev.featurestore.api.warmup;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The start-up warm-up ({@link StartupWarmUp}), bound from {@code feature-store.warm-up.*}.
 *
 * @param enabled whether the server runs the warm-up before it reports ready
 * @param rounds how many times it runs the ingest and join paths on its scratch rows
 * @param timeLimit no round starts once this much time has passed since the warm-up began, so that
 *     readiness comes at most one round later than this (a round takes about a second on two cores)
 */
@ConfigurationProperties("feature-store.warm-up")
public record WarmUpProperties(
    @DefaultValue("true") boolean enabled,
    @DefaultValue("3") int rounds,
    @DefaultValue("PT20S") Duration timeLimit) {}

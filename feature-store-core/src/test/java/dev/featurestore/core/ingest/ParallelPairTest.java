package dev.featurestore.core.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class ParallelPairTest {
  @Test
  void runsTheOfferedWorkOnTheCallerWhenNoPoolThreadTakesIt() {
    List<Runnable> neverStarted = new ArrayList<>();
    List<String> ranOn = new ArrayList<>();

    ParallelPair.run(
        neverStarted::add,
        () -> ranOn.add("offered on " + Thread.currentThread().getName()),
        () -> ranOn.add("own"));

    assertThat(ranOn).containsExactly("own", "offered on " + Thread.currentThread().getName());
    neverStarted.getFirst().run(); // the pool's late turn does not run it again
    assertThat(ranOn).hasSize(2);
  }

  @Test
  void runsOnAPoolThreadWhenOneIsFree() {
    ExecutorService pool =
        Executors.newSingleThreadExecutor(Thread.ofPlatform().name("helper").factory());
    try {
      List<String> offeredOn = new CopyOnWriteArrayList<>();
      ParallelPair.run(
          pool,
          () -> offeredOn.add(Thread.currentThread().getName()),
          () -> {
            // Waits until the helper has taken its work: then it is not the caller's to run.
            while (offeredOn.isEmpty()) {
              Thread.onSpinWait();
            }
          });
      assertThat(offeredOn).containsExactly("helper");
    } finally {
      pool.close();
    }
  }

  @Test
  void throwsTheOfferedWorksFailureAfterTheCallersWorkEnded() {
    AtomicBoolean ownDone = new AtomicBoolean();

    assertThatThrownBy(
            () ->
                ParallelPair.run(
                    Runnable::run,
                    () -> {
                      throw new IllegalArgumentException("offered failed");
                    },
                    () -> ownDone.set(true)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("offered failed");
    assertThat(ownDone).isTrue();
  }

  @Test
  void runsTheOfferedWorkEvenWhenTheCallersFailsAndKeepsBothFailures() {
    AtomicBoolean offeredDone = new AtomicBoolean();
    List<Runnable> neverStarted = new ArrayList<>();

    assertThatThrownBy(
            () ->
                ParallelPair.run(
                    neverStarted::add,
                    () -> {
                      offeredDone.set(true);
                      throw new IllegalStateException("offered failed");
                    },
                    () -> {
                      throw new IllegalArgumentException("own failed");
                    }))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("own failed")
        .satisfies(
            failure ->
                assertThat(failure.getSuppressed())
                    .singleElement()
                    .hasFieldOrPropertyWithValue("message", "offered failed"));
    assertThat(offeredDone).isTrue();
  }
}

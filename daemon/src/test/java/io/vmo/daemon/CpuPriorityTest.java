package io.vmo.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** Linux: nice is per thread, lowered without privilege, and inherited by the threads a thread makes. */
class CpuPriorityTest {

    @Test
    void lowersOnlyTheCallingThreadAndWhatItMakes() throws Exception {
        OptionalInt mine = CpuPriority.currentThreadNice();
        assumeTrue(mine.isPresent(), "no per-thread nice here (not Linux)");
        assumeTrue(mine.getAsInt() < 10, "this test already runs at nice " + mine.getAsInt());

        CompletableFuture<int[]> seen = new CompletableFuture<>();
        Thread.ofPlatform()
                .start(() -> {
                    boolean lowered = CpuPriority.lowerCurrentThread(10);
                    int own = CpuPriority.currentThreadNice().orElse(-100);
                    CompletableFuture<Integer> child = new CompletableFuture<>();
                    Thread.ofPlatform()
                            .start(() -> child.complete(
                                    CpuPriority.currentThreadNice().orElse(-100)));
                    seen.complete(new int[] {lowered ? 1 : 0, own, child.join()});
                })
                .join();

        int[] result = seen.get();
        assertThat(result[0]).as("lowered").isEqualTo(1);
        assertThat(result[1]).as("the thread's own nice").isEqualTo(10);
        assertThat(result[2]).as("the nice of a thread it made").isEqualTo(10);
        assertThat(CpuPriority.currentThreadNice()).as("this thread's").isEqualTo(mine);
    }
}

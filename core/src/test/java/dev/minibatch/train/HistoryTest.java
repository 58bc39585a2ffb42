package dev.minibatch.train;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class HistoryTest {
    private static EpochResult epoch(int e) {
        return new EpochResult(e, 1, 1, Map.of("accuracy", 0.5), 1);
    }

    @Test
    void epochsAreAddedInOrderWithoutChangingTheOriginal() {
        History one = History.empty().plus(epoch(1));
        History two = one.plus(epoch(2));
        assertEquals(1, one.lastEpoch());
        assertEquals(List.of(epoch(1), epoch(2)), two.epochs());
        assertEquals(Optional.of(epoch(2)), two.last());
        assertEquals(Optional.empty(), History.empty().last());
    }

    @Test
    void epochsMustFollowEachOther() {
        assertThrows(IllegalArgumentException.class, () -> History.empty().plus(epoch(2)));
        assertThrows(IllegalArgumentException.class, () -> History.of(List.of(epoch(1), epoch(1))));
        assertThrows(IllegalArgumentException.class, () -> new EpochResult(0, 1, 1, Map.of(), 1));
    }

    @Test
    void stopReasonIsKept() {
        History h = History.of(List.of(epoch(1))).stoppedBecause("loss is NaN");
        assertEquals(Optional.of("loss is NaN"), h.stopReason());
        assertEquals(1, h.lastEpoch());
        assertEquals(Optional.empty(), History.empty().stopReason());
    }

    @Test
    void anEpochNamesItsValuesAndSaysWhichMetricsItHas() {
        EpochResult r = new EpochResult(3, 0.5, 0.25, Map.of("accuracy", 0.75), 2);
        assertEquals(0.5, r.value("train_loss"));
        assertEquals(0.25, r.value("valid_loss"));
        assertEquals(0.75, r.value("accuracy"));
        assertEquals(2.0, r.value("seconds"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> r.value("top5"));
        assertEquals("epoch 3 has no metric 'top5' (it has [accuracy])", e.getMessage());
    }
}

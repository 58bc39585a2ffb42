package dev.minibatch.nn;

/**
 * The checks shared by the layers' settings: sizes given as one int or an (H, W) pair, at least a minimum;
 * their printing is {@link Repr}'s.
 */
final class LayerSettings {
    private LayerSettings() {
    }

    /** One value for both dimensions, or a pair; each at least {@code min}. */
    static int[] pair(String layer, String name, int[] values, int min) {
        if (values == null || values.length < 1 || values.length > 2) {
            throw new IllegalArgumentException(layer + ": " + name + " must be one int or a pair of ints, got "
                    + (values == null ? "null" : java.util.Arrays.toString(values)));
        }
        int[] p = values.length == 1 ? new int[] {values[0], values[0]} : values.clone();
        atLeast(layer, name, p[0] == p[1] ? String.valueOf(p[0]) : Repr.tuple(p), Math.min(p[0], p[1]), min);
        return p;
    }

    static void atLeast(String layer, String name, String shown, int value, int min) {
        if (value < min) {
            throw new IllegalArgumentException(layer + ": " + name + " must be at least " + min + ", got " + shown);
        }
    }

    /** The layer's name and settings before an op's refusal, so that the message says which layer refused. */
    static IllegalArgumentException refusedBy(Module layer, IllegalArgumentException e) {
        return new IllegalArgumentException(layer + ": " + e.getMessage(), e);
    }
}

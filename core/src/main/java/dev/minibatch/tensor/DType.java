package dev.minibatch.tensor;

/** Element type of a tensor: float32 for values, int32 for labels and indices. */
public enum DType {
    FLOAT32("float32"),
    INT32("int32");

    private final String torchName;

    DType(String torchName) {
        this.torchName = torchName;
    }

    @Override
    public String toString() {
        return torchName;
    }
}

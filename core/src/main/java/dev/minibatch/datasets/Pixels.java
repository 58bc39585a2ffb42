package dev.minibatch.datasets;

/** Tight loops over pixel arrays: conversion from bytes, and the statistics of normalisation. */
final class Pixels {
    /** {@code i / 255}, so that conversion is a table lookup and equals PyTorch's {@code ToTensor}. */
    private static final float[] UNIT = new float[256];

    static {
        for (int i = 0; i < 256; i++) {
            UNIT[i] = i / 255f;
        }
    }

    private Pixels() {
    }

    /** Bytes {@code from..to-1} as floats in [0, 1]. */
    static float[] unit(byte[] bytes, int from, int to) {
        float[] out = new float[to - from];
        for (int i = from; i < to; i++) {
            out[i - from] = UNIT[bytes[i] & 0xff];
        }
        return out;
    }

    /** The mean, summed in double so that 40 million float32 pixels lose nothing. */
    static double mean(float[] x) {
        double s = 0;
        for (float v : x) {
            s += v;
        }
        return s / x.length;
    }

    static double std(float[] x, double mean) {
        double s = 0;
        for (float v : x) {
            double d = v - mean;
            s += d * d;
        }
        return Math.sqrt(s / (x.length - 1));
    }

    static float[] normalize(float[] x, float mean, float std) {
        float[] out = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = (x[i] - mean) / std;
        }
        return out;
    }
}

package dev.minibatch.data;

import dev.minibatch.tensor.Generator;
import dev.minibatch.tensor.Minibatch;

/** A fresh generator seeded from the default one, as PyTorch's samplers do when given no generator. */
final class Seeds {
    private Seeds() {
    }

    static Generator fromDefault() {
        return new Generator(Minibatch.defaultGenerator().nextLong());
    }
}

package dev.minibatch.tensor;

import java.util.Arrays;
import java.util.List;

/**
 * A dense, row-major tensor of any rank (rank 0 is a scalar), holding float32 values or int32 labels,
 * with reverse-mode autograd. Ops never modify their inputs (except the {@code ...InPlace} ones) and
 * broadcast like NumPy and PyTorch. Arithmetic lives in package-private op classes; this class is the
 * public face, the storage and the autograd state.
 */
public final class Tensor {
    private final DType dtype;
    private final int[] shape;
    private final float[] floats;
    private final int[] ints;

    private boolean requiresGrad;
    private Tensor grad;
    /** Storage of a gradient dropped by {@link #zeroGrad()}, reused by the next backward pass. */
    private float[] spareGrad;

    private Tensor[] parents;
    private Autograd.Backward gradFn;
    private float[] nodeGrad;
    private boolean released;

    Tensor(float[] data, int[] shape) {
        this.dtype = DType.FLOAT32;
        this.shape = shape;
        this.floats = data;
        this.ints = null;
    }

    Tensor(int[] data, int[] shape, DType marker) {
        this.dtype = DType.INT32;
        this.shape = shape;
        this.floats = null;
        this.ints = data;
    }

    // ---- creation -------------------------------------------------------------------------------

    /** A float tensor holding a copy of {@code data} in the given shape (a 1-D tensor when no shape is given). */
    public static Tensor of(float[] data, int... shape) {
        int[] s = shape.length == 0 ? new int[] {data.length} : shape.clone();
        checkLength("of", data.length, s);
        return new Tensor(data.clone(), s);
    }

    /** An int32 tensor holding a copy of {@code data}, for labels and indices. */
    public static Tensor ofInts(int[] data, int... shape) {
        int[] s = shape.length == 0 ? new int[] {data.length} : shape.clone();
        checkLength("ofInts", data.length, s);
        return new Tensor(data.clone(), s, DType.INT32);
    }

    /** Wraps {@code data} without copying: the tensor and the caller share it from now on. */
    public static Tensor wrap(float[] data, int... shape) {
        checkLength("wrap", data.length, shape);
        return new Tensor(data, shape.clone());
    }

    /** Wraps int {@code data} without copying. */
    public static Tensor wrapInts(int[] data, int... shape) {
        checkLength("wrapInts", data.length, shape);
        return new Tensor(data, shape.clone(), DType.INT32);
    }

    private static void checkLength(String op, int length, int[] shape) {
        for (int s : shape) {
            if (s < 0) {
                throw new IllegalArgumentException(op + ": negative size in shape " + Shapes.str(shape));
            }
        }
        if (Shapes.numel(shape) != length) {
            throw new IllegalArgumentException(op + ": " + length + " values cannot fill shape "
                    + Shapes.str(shape) + " (" + Shapes.numel(shape) + " elements)");
        }
    }

    public static Tensor scalar(float value) {
        return new Tensor(new float[] {value}, new int[0]);
    }

    public static Tensor zeros(int... shape) {
        return full(0f, shape);
    }

    public static Tensor ones(int... shape) {
        return full(1f, shape);
    }

    public static Tensor full(float value, int... shape) {
        checkShape("full", shape);
        float[] d = new float[Shapes.numel(shape)];
        if (value != 0f) {
            Arrays.fill(d, value);
        }
        return new Tensor(d, shape.clone());
    }

    public static Tensor zerosLike(Tensor t) {
        return zeros(t.shape);
    }

    private static void checkShape(String op, int[] shape) {
        checkLength(op, Shapes.numel(Arrays.stream(shape).map(s -> Math.max(s, 0)).toArray()), shape);
    }

    /** {@code [0, 1, ..., end-1]} as a float tensor, like {@code torch.arange(end)}. */
    public static Tensor arange(int end) {
        return arange(0, end, 1);
    }

    public static Tensor arange(float start, float end, float step) {
        if (step == 0 || (end - start) / step < 0) {
            throw new IllegalArgumentException("arange: cannot go from " + start + " to " + end + " by " + step);
        }
        int n = (int) Math.ceil((end - start) / step);
        float[] d = new float[n];
        for (int i = 0; i < n; i++) {
            d[i] = start + i * step;
        }
        return new Tensor(d, new int[] {n});
    }

    /** Uniform in [0, 1) from the default generator. */
    public static Tensor rand(int... shape) {
        return rand(Minibatch.defaultGenerator(), shape);
    }

    public static Tensor rand(Generator g, int... shape) {
        checkShape("rand", shape);
        float[] d = new float[Shapes.numel(shape)];
        g.fillUniform(d);
        return new Tensor(d, shape.clone());
    }

    /** Standard normal from the default generator. */
    public static Tensor randn(int... shape) {
        return randn(Minibatch.defaultGenerator(), shape);
    }

    public static Tensor randn(Generator g, int... shape) {
        checkShape("randn", shape);
        float[] d = new float[Shapes.numel(shape)];
        g.fillNormal(d);
        return new Tensor(d, shape.clone());
    }

    /** Uniform integers in [low, high), as an int32 tensor. */
    public static Tensor randint(int low, int high, int... shape) {
        return randint(Minibatch.defaultGenerator(), low, high, shape);
    }

    public static Tensor randint(Generator g, int low, int high, int... shape) {
        if (high <= low) {
            throw new IllegalArgumentException("randint: empty range [" + low + ", " + high + ")");
        }
        checkShape("randint", shape);
        int[] d = new int[Shapes.numel(shape)];
        g.fillInts(d, low, high);
        return new Tensor(d, shape.clone(), DType.INT32);
    }

    /** A random permutation of 0..n-1, as an int32 tensor. */
    public static Tensor randperm(int n) {
        return randperm(Minibatch.defaultGenerator(), n);
    }

    public static Tensor randperm(Generator g, int n) {
        if (n < 0) {
            throw new IllegalArgumentException("randperm: n must be non-negative, got " + n);
        }
        return new Tensor(g.permutation(n), new int[] {n}, DType.INT32);
    }

    // ---- reading --------------------------------------------------------------------------------

    public int[] shape() {
        return shape.clone();
    }

    public int dim() {
        return shape.length;
    }

    public int size(int dim) {
        return shape[Shapes.dim("size", dim, shape.length)];
    }

    public int numel() {
        return floats != null ? floats.length : ints.length;
    }

    public DType dtype() {
        return dtype;
    }

    public boolean isFloat() {
        return dtype == DType.FLOAT32;
    }

    /** The value of a one-element tensor. */
    public float item() {
        if (numel() != 1) {
            throw new IllegalStateException("item: a tensor with " + numel() + " elements (shape "
                    + Shapes.str(shape) + ") cannot be converted to a scalar");
        }
        return floats != null ? floats[0] : ints[0];
    }

    /**
     * Whether no element is NaN or infinite: {@code torch.isfinite(t).all()}, in one pass and without a mask
     * tensor. Integer tensors always are.
     */
    public boolean allFinite() {
        return floats == null || Kernels.get().allFinite(floats, floats.length);
    }

    public float[] toFloatArray() {
        if (floats != null) {
            return floats.clone();
        }
        float[] out = new float[ints.length];
        for (int i = 0; i < ints.length; i++) {
            out[i] = ints[i];
        }
        return out;
    }

    public int[] toIntArray() {
        if (ints != null) {
            return ints.clone();
        }
        int[] out = new int[floats.length];
        for (int i = 0; i < floats.length; i++) {
            out[i] = (int) floats[i];
        }
        return out;
    }

    /** One element by its full index; negative indices count from the end. */
    public float get(int... index) {
        if (index.length != shape.length) {
            throw new IllegalArgumentException("get: " + index.length + " indices for a tensor of rank "
                    + shape.length + " (shape " + Shapes.str(shape) + ")");
        }
        int flat = 0;
        for (int d = 0; d < shape.length; d++) {
            int i = index[d] < 0 ? index[d] + shape[d] : index[d];
            if (i < 0 || i >= shape[d]) {
                throw new IndexOutOfBoundsException("get: index " + index[d] + " is out of bounds for dimension "
                        + d + " with size " + shape[d]);
            }
            flat = flat * shape[d] + i;
        }
        return floats != null ? floats[flat] : ints[flat];
    }

    /**
     * The live float storage, row-major: for kernels and optimizers in other packages that update
     * parameters in place. Writing to it bypasses autograd.
     */
    public float[] storage() {
        return requireFloat("storage");
    }

    /** The live int storage of an int32 tensor. */
    public int[] intStorage() {
        if (ints == null) {
            throw new IllegalArgumentException("intStorage: expected an int32 tensor but got " + dtype);
        }
        return ints;
    }

    float[] requireFloat(String op) {
        if (floats == null) {
            throw new IllegalArgumentException(op + ": expected a float32 tensor but got int32 (shape "
                    + Shapes.str(shape) + "); convert it with toFloat()");
        }
        return floats;
    }

    int[] requireInt(String op) {
        if (ints == null) {
            throw new IllegalArgumentException(op + ": expected an int32 tensor of indices but got float32 (shape "
                    + Shapes.str(shape) + "); convert it with toInt()");
        }
        return ints;
    }

    int[] shapeRef() {
        return shape;
    }

    public Tensor toFloat() {
        return floats != null ? this : new Tensor(toFloatArray(), shape.clone());
    }

    /** Truncates toward zero, like {@code tensor.long()}. */
    public Tensor toInt() {
        return ints != null ? this : new Tensor(toIntArray(), shape.clone(), DType.INT32);
    }

    @Override
    public String toString() {
        return TensorFormat.format(this);
    }

    // ---- autograd -------------------------------------------------------------------------------

    public boolean requiresGrad() {
        return requiresGrad;
    }

    /** Marks a leaf tensor as one whose gradient is wanted. Returns this tensor. */
    public Tensor requiresGrad(boolean flag) {
        if (!isLeaf()) {
            throw new IllegalStateException("requiresGrad: can only be changed on a leaf tensor; use detach()");
        }
        if (flag && floats == null) {
            throw new IllegalArgumentException("requiresGrad: only float32 tensors can require gradients, got int32");
        }
        requiresGrad = flag;
        return this;
    }

    /** The accumulated gradient of a leaf, or null before the first backward pass (and after zeroGrad). */
    public Tensor grad() {
        return grad;
    }

    /** Drops the gradient, like {@code p.grad = None}; its storage is reused by the next backward pass. */
    public void zeroGrad() {
        if (grad != null) {
            spareGrad = grad.floats;
            grad = null;
        }
    }

    /** Sets or clears the gradient, for optimizers' state and checkpoints. */
    public void setGrad(Tensor g) {
        if (g != null && !Arrays.equals(g.shape, shape)) {
            throw new IllegalArgumentException("setGrad: gradient of shape " + Shapes.str(g.shape)
                    + " for a tensor of shape " + Shapes.str(shape));
        }
        grad = g;
    }

    public boolean isLeaf() {
        return gradFn == null && !released;
    }

    /** A tensor sharing this one's storage but cut from the graph. */
    public Tensor detach() {
        return floats != null ? new Tensor(floats, shape) : new Tensor(ints, shape, DType.INT32);
    }

    /** Backpropagates from a one-element tensor, like {@code loss.backward()}. */
    public void backward() {
        if (numel() != 1) {
            throw new IllegalStateException("backward: grad can be implicitly created only for scalar outputs, "
                    + "but this tensor has shape " + Shapes.str(shape) + "; pass a gradient to backward(gradient)");
        }
        backward(full(1f, shape));
    }

    /** Backpropagates {@code gradient} (of this tensor's shape) through the graph that produced this tensor. */
    public void backward(Tensor gradient) {
        if (!requiresGrad) {
            throw new IllegalStateException("backward: this tensor does not require grad and has no grad_fn; "
                    + "did you forget requiresGrad(true) on a parameter, or call it inside a no-grad scope?");
        }
        if (released) {
            throw new IllegalStateException("backward: trying to backward through the graph a second time; "
                    + "the graph is released after backward() to keep memory constant");
        }
        if (!Arrays.equals(gradient.shape, shape)) {
            throw new IllegalArgumentException("backward: gradient of shape " + Shapes.str(gradient.shape)
                    + " for a tensor of shape " + Shapes.str(shape));
        }
        Autograd.backward(this, gradient.requireFloat("backward"));
    }

    /**
     * Adds {@code g} (of this tensor's shape) to this tensor's gradient. Called by ops' backward closures;
     * {@code g} is copied if kept, so callers may reuse it.
     */
    public void accumulateGrad(float[] g) {
        GradOut out = gradOut(g.length);
        if (out == null) {
            return;
        }
        if (out.accumulate()) {
            Kernels.get().axpy(g.length, 1f, g, 0, out.array(), 0);
        } else {
            System.arraycopy(g, 0, out.array(), 0, g.length);
        }
    }

    /**
     * Where an op's backward may write this tensor's gradient itself, instead of into a temporary array
     * that {@link #accumulateGrad} then copies: the gradient's own storage, to be overwritten when this is
     * the first gradient of the pass ({@link GradOut#accumulate} false; the array may hold old values) or
     * added to otherwise. Null when this tensor does not require grad. For a model's weights this saves an
     * allocation and a copy of the weight's size per step.
     */
    GradOut gradOut() {
        return gradOut(numel());
    }

    private GradOut gradOut(int size) {
        if (!requiresGrad) {
            return null;
        }
        if (size != numel()) {
            throw new IllegalStateException("a gradient of " + size + " elements for a tensor of shape "
                    + Shapes.str(shape) + " (" + numel() + " elements)");
        }
        if (isLeaf()) {
            if (grad != null) {
                return new GradOut(grad.floats, true);
            }
            float[] buf = spareGrad != null && spareGrad.length == size ? spareGrad : new float[size];
            spareGrad = null;
            grad = new Tensor(buf, shape);
            return new GradOut(buf, false);
        }
        if (nodeGrad != null) {
            return new GradOut(nodeGrad, true);
        }
        nodeGrad = GradBuffers.take(size);
        return new GradOut(nodeGrad, false);
    }

    /** A gradient's storage and whether a kernel adds to it ({@code true}) or overwrites it. */
    record GradOut(float[] array, boolean accumulate) {
    }

    void setGradFn(Tensor[] inputs, Autograd.Backward fn) {
        parents = inputs;
        gradFn = fn;
        requiresGrad = true;
    }

    Tensor[] parents() {
        return parents;
    }

    boolean isReleased() {
        return released;
    }

    float[] takeNodeGrad() {
        float[] g = nodeGrad;
        nodeGrad = null;
        return g;
    }

    Autograd.Backward releaseGradFn() {
        Autograd.Backward fn = gradFn;
        gradFn = null;
        parents = null;
        released = true;
        return fn;
    }

    // ---- in-place updates, for optimizers (no autograd) -------------------------------------------

    /** {@code this += alpha * other}, same shapes, not recorded. */
    public Tensor addInPlace(Tensor other, float alpha) {
        float[] x = other.requireFloat("addInPlace");
        float[] y = requireFloat("addInPlace");
        if (!Arrays.equals(other.shape, shape)) {
            throw new IllegalArgumentException("addInPlace: shapes " + Shapes.str(shape) + " and "
                    + Shapes.str(other.shape) + " differ");
        }
        Kernels.get().axpy(y.length, alpha, x, 0, y, 0);
        return this;
    }

    /** Copies {@code other}'s values into this tensor's storage. */
    public Tensor copyFrom(Tensor other) {
        if (!Arrays.equals(other.shape, shape) || other.dtype != dtype) {
            throw new IllegalArgumentException("copyFrom: cannot copy a " + other.dtype + " tensor of shape "
                    + Shapes.str(other.shape) + " into a " + dtype + " tensor of shape " + Shapes.str(shape));
        }
        if (floats != null) {
            System.arraycopy(other.floats, 0, floats, 0, floats.length);
        } else {
            System.arraycopy(other.ints, 0, ints, 0, ints.length);
        }
        return this;
    }

    // ---- elementwise ----------------------------------------------------------------------------

    public Tensor add(Tensor other) {
        return Elementwise.add(this, other);
    }

    public Tensor add(float value) {
        return Elementwise.addScalar(this, value);
    }

    public Tensor sub(Tensor other) {
        return Elementwise.sub(this, other);
    }

    public Tensor sub(float value) {
        return Elementwise.addScalar(this, -value);
    }

    public Tensor mul(Tensor other) {
        return Elementwise.mul(this, other);
    }

    public Tensor mul(float value) {
        return Elementwise.mulScalar(this, value);
    }

    public Tensor div(Tensor other) {
        return Elementwise.div(this, other);
    }

    public Tensor div(float value) {
        return Elementwise.mulScalar(this, 1f / value);
    }

    public Tensor neg() {
        return Elementwise.mulScalar(this, -1f);
    }

    public Tensor exp() {
        return Elementwise.exp(this);
    }

    public Tensor log() {
        return Elementwise.log(this);
    }

    public Tensor sqrt() {
        return Elementwise.sqrt(this);
    }

    public Tensor pow(float exponent) {
        return Elementwise.pow(this, exponent);
    }

    public Tensor relu() {
        return Elementwise.relu(this);
    }

    public Tensor clamp(float min, float max) {
        return Elementwise.clamp(this, min, max);
    }

    /** The Gauss error function, {@code 2/√π ∫₀ˣ exp(-t²) dt}, within 1.2e-7 relative error. */
    public Tensor erf() {
        return Elementwise.erf(this);
    }

    // ---- activations ----------------------------------------------------------------------------

    public Tensor tanh() {
        return Activations.tanh(this);
    }

    /** {@code 1 / (1 + exp(-x))}, computed so that no x overflows: sigmoid(±1000) is exactly 1 and 0. */
    public Tensor sigmoid() {
        return Activations.sigmoid(this);
    }

    /** {@code x·Φ(x)}, Φ the standard normal CDF: PyTorch's default exact form, {@code gelu("none")}. */
    public Tensor gelu() {
        return gelu("none");
    }

    /**
     * GELU with PyTorch's {@code approximate}: {@code "none"} for {@code x·Φ(x)}, or {@code "tanh"} for
     * {@code 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³)))}.
     */
    public Tensor gelu(String approximate) {
        return Activations.gelu(this, approximate);
    }

    /** {@code x} where x > 0, {@code 0.01·x} elsewhere: PyTorch's default negative slope. */
    public Tensor leakyRelu() {
        return leakyRelu(0.01f);
    }

    /** {@code x} where x > 0, {@code negativeSlope·x} elsewhere. */
    public Tensor leakyRelu(float negativeSlope) {
        return Activations.leakyRelu(this, negativeSlope);
    }

    /** {@code x·sigmoid(x)}, also known as swish. */
    public Tensor silu() {
        return Activations.silu(this);
    }

    public Tensor eq(Tensor other) {
        return Elementwise.compare("eq", this, other);
    }

    public Tensor gt(Tensor other) {
        return Elementwise.compare("gt", this, other);
    }

    public Tensor lt(Tensor other) {
        return Elementwise.compare("lt", this, other);
    }

    public Tensor ge(Tensor other) {
        return Elementwise.compare("ge", this, other);
    }

    public Tensor le(Tensor other) {
        return Elementwise.compare("le", this, other);
    }

    public Tensor eq(float value) {
        return Elementwise.compare("eq", this, scalar(value));
    }

    public Tensor gt(float value) {
        return Elementwise.compare("gt", this, scalar(value));
    }

    public Tensor lt(float value) {
        return Elementwise.compare("lt", this, scalar(value));
    }

    public Tensor ge(float value) {
        return Elementwise.compare("ge", this, scalar(value));
    }

    public Tensor le(float value) {
        return Elementwise.compare("le", this, scalar(value));
    }

    // ---- reductions -----------------------------------------------------------------------------

    public Tensor sum() {
        return Reductions.sum(this);
    }

    public Tensor sum(int dim, boolean keepdim) {
        return Reductions.sum(this, dim, keepdim);
    }

    public Tensor sum(int dim) {
        return sum(dim, false);
    }

    public Tensor mean() {
        return Reductions.mean(this);
    }

    public Tensor mean(int dim, boolean keepdim) {
        return Reductions.mean(this, dim, keepdim);
    }

    public Tensor mean(int dim) {
        return mean(dim, false);
    }

    /** The largest element. */
    public Tensor max() {
        return Reductions.extreme(this, true);
    }

    /** The largest elements along {@code dim}, with their indices, like {@code x.max(dim)}. */
    public MaxMin max(int dim) {
        return max(dim, false);
    }

    /** The largest elements along {@code dim}, with their indices, like {@code torch.max(x, dim)}. */
    public MaxMin max(int dim, boolean keepdim) {
        return Reductions.extreme(this, dim, keepdim, true);
    }

    public Tensor min() {
        return Reductions.extreme(this, false);
    }

    public MaxMin min(int dim, boolean keepdim) {
        return Reductions.extreme(this, dim, keepdim, false);
    }

    /** Index of the largest element of the flattened tensor (the first one on ties). */
    public Tensor argmax() {
        return reshape(-1).argmax(0, false);
    }

    public Tensor argmax(int dim) {
        return argmax(dim, false);
    }

    public Tensor argmax(int dim, boolean keepdim) {
        return Reductions.extreme(this.detach(), dim, keepdim, true).indices();
    }

    /** {@code log(sum(exp(x)))} over {@code dim}, without overflow for large x. */
    public Tensor logsumexp(int dim, boolean keepdim) {
        return SoftmaxOps.logsumexp(this, dim, keepdim);
    }

    public Tensor logsumexp(int dim) {
        return logsumexp(dim, false);
    }

    /** {@code exp(x) / sum(exp(x))} along {@code dim}, without overflow for large x. */
    public Tensor softmax(int dim) {
        return SoftmaxOps.softmax(this, dim);
    }

    /** {@code x - logsumexp(x)} along {@code dim}, accurate even for logits of ±1000. */
    public Tensor logSoftmax(int dim) {
        return SoftmaxOps.logSoftmax(this, dim);
    }

    // ---- shapes, indexing, products -------------------------------------------------------------

    public Tensor matmul(Tensor other) {
        return Linalg.matmul(this, other);
    }

    /** The transpose of a matrix (rank 0 and 1 are returned as they are, as in PyTorch). */
    public Tensor t() {
        if (shape.length > 2) {
            throw new IllegalArgumentException("t: expects a tensor of rank <= 2, got shape " + Shapes.str(shape)
                    + "; use transpose(dim0, dim1)");
        }
        return shape.length < 2 ? this : transpose(0, 1);
    }

    public Tensor transpose(int dim0, int dim1) {
        return ShapeOps.transpose(this, dim0, dim1);
    }

    public Tensor reshape(int... newShape) {
        return ShapeOps.reshape("reshape", this, newShape);
    }

    /** As {@link #reshape}: tensors here are always contiguous, so a view is always possible. */
    public Tensor view(int... newShape) {
        return ShapeOps.reshape("view", this, newShape);
    }

    public Tensor squeeze() {
        return ShapeOps.squeeze(this);
    }

    public Tensor squeeze(int dim) {
        return ShapeOps.squeeze(this, dim);
    }

    public Tensor unsqueeze(int dim) {
        return ShapeOps.unsqueeze(this, dim);
    }

    public Tensor flatten() {
        return reshape(-1);
    }

    /** Merges dimensions {@code startDim..endDim} into one, like {@code torch.flatten(x, start, end)}. */
    public Tensor flatten(int startDim, int endDim) {
        return ShapeOps.flatten(this, startDim, endDim);
    }

    /** Elements {@code start..end-1} along {@code dim}; negative bounds count from the end, like Python's. */
    public Tensor slice(int dim, int start, int end) {
        return Indexing.slice(this, dim, start, end);
    }

    /** The rows (entries along dim 0) at the given indices, like {@code x[idxs]}. */
    public Tensor index(int... rows) {
        return Indexing.indexRows(this, rows);
    }

    /** The rows at the indices held by an int32 tensor. */
    public Tensor index(Tensor rows) {
        if (rows.dim() != 1) {
            throw new IllegalArgumentException("index: expects a 1-D index tensor, got shape "
                    + Shapes.str(rows.shape));
        }
        return Indexing.indexRows(this, rows.requireInt("index"));
    }

    /**
     * {@code this[rows, cols]}: for each i the element (or, past rank 2, the sub-tensor) at
     * {@code [rows[i], cols[i]]}, as PyTorch indexes with two index tensors; the lesson's
     * {@code logp[range(n), y]} is {@code logp.index(Tensor.arange(n).toInt(), y)}.
     */
    public Tensor index(Tensor rows, Tensor cols) {
        if (rows.dim() != 1 || cols.dim() != 1) {
            throw new IllegalArgumentException("index: expects 1-D index tensors, got shapes " + Shapes.str(rows.shape)
                    + " and " + Shapes.str(cols.shape));
        }
        return Indexing.indexPairs(this, rows.requireInt("index"), cols.requireInt("index"));
    }

    /** {@code out[i][j] = this[i][index[i][j]]} for dim 1 (and likewise for any dim), like {@code torch.gather}. */
    public Tensor gather(int dim, Tensor index) {
        return Indexing.gather(this, dim, index);
    }

    public static Tensor cat(List<Tensor> tensors, int dim) {
        return Indexing.cat(tensors, dim);
    }

    public static Tensor stack(List<Tensor> tensors, int dim) {
        return Indexing.stack(tensors, dim);
    }

    /** {@code x·wᵀ + b} in one op, with the weight in PyTorch's [out, in] layout; {@code b} may be null. */
    public static Tensor linear(Tensor x, Tensor weight, Tensor bias) {
        return Linalg.linear(x, weight, bias);
    }

    // ---- convolutional networks: full forms behind nn.Functional's conv2d, pooling, batchNorm, dropout, pad ----

    /**
     * 2-D convolution of x [N, C, H, W] with weight [O, C/groups, kH, kW] and bias [O] (or null), giving
     * [N, O, outH, outW] with {@code out = floor((in + 2·padding - dilation·(k-1) - 1) / stride) + 1}.
     * Stride, padding and dilation are one int for both dimensions or an (H, W) pair.
     */
    public static Tensor conv2d(Tensor x, Tensor weight, Tensor bias, int[] stride, int[] padding, int[] dilation,
                                int groups) {
        return Convolution.conv2d(x, weight, bias, stride, padding, dilation, groups, false);
    }

    /** Max pooling of [N, C, H, W] or [C, H, W]; padding counts as -inf and is at most half the kernel. */
    public static Tensor maxPool2d(Tensor x, int[] kernel, int[] stride, int[] padding, int[] dilation,
                                   boolean ceilMode) {
        return Pooling.maxPool2d(x, kernel, stride, padding, dilation, ceilMode);
    }

    /** Average pooling with the padding counted in the divisor ({@code count_include_pad=True}). */
    public static Tensor avgPool2d(Tensor x, int[] kernel, int[] stride, int[] padding) {
        return avgPool2d(x, kernel, stride, padding, false, true);
    }

    /**
     * {@code F.avg_pool2d} with its options: {@code ceilMode} rounds the output size up (the last window must
     * start inside the input or its left padding); without {@code countIncludePad} a window's mean is over
     * its input pixels only, the padding left out of the divisor.
     */
    public static Tensor avgPool2d(Tensor x, int[] kernel, int[] stride, int[] padding, boolean ceilMode,
                                   boolean countIncludePad) {
        return Pooling.avgPool2d(x, kernel, stride, padding, ceilMode, countIncludePad);
    }

    /** Average pooling into {@code outH x outW} bins, as {@code F.adaptive_avg_pool2d}. */
    public static Tensor adaptiveAvgPool2d(Tensor x, int outH, int outW) {
        return Pooling.adaptiveAvgPool2d(x, outH, outW);
    }

    /** Batch normalisation over dimension 1, as {@code F.batch_norm}; updates the running statistics in training. */
    public static Tensor batchNorm(Tensor x, Tensor runningMean, Tensor runningVar, Tensor weight, Tensor bias,
                                   boolean training, double momentum, double eps) {
        return BatchNorm.batchNorm(x, runningMean, runningVar, weight, bias, training, momentum, eps);
    }

    /** Inverted dropout with its mask drawn from {@code generator}; the identity unless training. */
    public static Tensor dropout(Tensor x, double p, boolean training, Generator generator) {
        return Dropout.dropout(x, p, training, generator);
    }

    /** Zero padding of the last two dimensions, as {@code F.pad(x, (left, right, top, bottom))}. */
    public static Tensor pad(Tensor x, int left, int right, int top, int bottom) {
        return Padding.pad(x, left, right, top, bottom);
    }

    /** Values and indices of a max or min over a dimension. */
    public record MaxMin(Tensor values, Tensor indices) {
    }
}

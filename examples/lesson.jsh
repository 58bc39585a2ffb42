// The lesson "mini-batch training" (fast.ai course part 2, 04_minibatch_training), cell by cell, in Java.
// Run it with examples/lesson.sh (after `mvn install` in the repository's root). Each block is one or a few
// of the notebook's cells; what the notebook shows is printed below its cell's number.

import dev.minibatch.data.*;
import dev.minibatch.datasets.*;
import dev.minibatch.nn.*;
import dev.minibatch.nn.Module; // java.lang.Module would be ambiguous with the wildcard alone
import dev.minibatch.optim.*;
import dev.minibatch.tensor.*;
import dev.minibatch.train.*;
import java.util.*;

void cell(String title) { System.out.println(); System.out.println("## " + title); }
void show(String what, Object value) { System.out.println(what + ": " + value); }

// ---- Data and the initial model
cell("data");
Splits mnist = Mnist.load(); // $MINIBATCH_DATA/mnist, else ~/.cache/minibatch (downloaded once)
Tensor xTrain = mnist.train().tensor(0), yTrain = mnist.train().tensor(1);
Tensor xValid = mnist.valid().tensor(0), yValid = mnist.valid().tensor(1);
int n = xTrain.size(0), m = xTrain.size(1), nh = 50, nout = 10;
show("x_train.shape", Arrays.toString(xTrain.shape()));
show("y_train[:10]", yTrain.slice(0, 0, 10));

cell("the model: a class with its layers in a list");
Minibatch.manualSeed(42);
class Model {
    final List<Module> layers;
    Model(int nIn, int nh, int nOut) { layers = List.of(new Linear(nIn, nh), new ReLU(), new Linear(nh, nOut)); }
    Tensor call(Tensor x) { for (Module l : layers) x = l.forward(x); return x; }
}
Model model0 = new Model(m, nh, 10);
Tensor pred = model0.call(xTrain);
show("pred.shape", Arrays.toString(pred.shape()));

// ---- Cross entropy loss
cell("softmax, naively: (x.exp() / x.exp().sum(-1, keepdim=True)).log()");
Tensor naiveLogSoftmax(Tensor x) { return x.exp().div(x.exp().sum(-1, true)).log(); }
show("log_softmax(pred)[0]", naiveLogSoftmax(pred).slice(0, 0, 1));
Tensor big = Tensor.of(new float[] {100f, 0f, -100f}, 1, 3).mul(10f); // logits of +-1000 after a bad step
show("the naive form overflows: log_softmax([1000, 0, -1000])", naiveLogSoftmax(big));

cell("log softmax by the log rule: x - x.exp().sum(-1, keepdim=True).log()");
Tensor logSoftmaxLogRule(Tensor x) { return x.sub(x.exp().sum(-1, true).log()); }
show("same on pred", logSoftmaxLogRule(pred).slice(0, 0, 1));
show("still overflows", logSoftmaxLogRule(big));

cell("the log-sum-exp trick: m + (x - m[:, None]).exp().sum(-1).log()");
Tensor logsumexp(Tensor x) { Tensor mx = x.max(-1).values(); return mx.add(x.sub(mx.unsqueeze(1)).exp().sum(-1).log()); }
Tensor logSoftmax(Tensor x) { return x.sub(logsumexp(x).unsqueeze(1)); }
show("logsumexp(pred)[:3]", logsumexp(pred).slice(0, 0, 3));
show("pred.logsumexp(-1)[:3]", pred.logsumexp(-1).slice(0, 0, 3));
show("log_softmax([1000, 0, -1000]) with the trick", logSoftmax(big));
show("the library's x.logSoftmax(1)", big.logSoftmax(1));

cell("negative log likelihood by integer-array indexing: -input[range(n), target].mean()");
Tensor nll(Tensor input, Tensor target) { return input.index(Tensor.arange(target.size(0)).toInt(), target).mean().neg(); }
Tensor smPred = logSoftmax(pred);
show("y_train[:3]", yTrain.slice(0, 0, 3));
show("sm_pred[0, 5], sm_pred[1, 0], sm_pred[2, 4]", smPred.index(Tensor.ofInts(new int[] {0, 1, 2}, 3), yTrain.slice(0, 0, 3)));
Tensor loss = nll(smPred, yTrain);
show("loss", loss);
show("F.nll_loss(F.log_softmax(pred, -1), y_train)", Functional.nllLoss(Functional.logSoftmax(pred, -1), yTrain));
show("F.cross_entropy(pred, y_train)", Functional.crossEntropy(pred, yTrain));
if (Math.abs(loss.item() - Functional.crossEntropy(pred, yTrain).item()) > 1e-4) throw new AssertionError("cross entropy differs");

// ---- Basic training loop
cell("a mini-batch, its loss and accuracy");
int bs = 50;
Tensor xb = xTrain.slice(0, 0, bs), yb = yTrain.slice(0, 0, bs);
Tensor preds = model0.call(xb);
show("preds[0]", preds.slice(0, 0, 1));
show("loss_func(preds, yb)", Functional.crossEntropy(preds, yb));
float accuracy(Tensor out, Tensor yb) { return out.argmax(1).eq(yb).mean().item(); }
show("preds.argmax(1)[:10]", preds.argmax(1).slice(0, 0, 10));
show("accuracy(preds, yb)", accuracy(preds, yb));
void report(Tensor loss, Tensor preds, Tensor yb) { System.out.printf("%.2f, %.2f%n", loss.item(), accuracy(preds, yb)); }

cell("the hand-written loop: each layer's weight and bias, updated under no_grad");
float lr = 0.5f;
int epochs = 3;
report(Functional.crossEntropy(preds, yb), preds, yb);
for (int epoch = 0; epoch < epochs; epoch++) {
    for (int i = 0; i < n; i += bs) {
        xb = xTrain.slice(0, i, Math.min(n, i + bs));
        yb = yTrain.slice(0, i, Math.min(n, i + bs));
        preds = model0.call(xb);
        loss = Functional.crossEntropy(preds, yb);
        loss.backward();
        try (var g = Autograd.noGrad()) {
            for (Module l : model0.layers) {
                if (l instanceof Linear lin) {
                    for (Tensor p : lin.parameters()) { p.addInPlace(p.grad(), -lr); p.zeroGrad(); }
                }
            }
        }
    }
    report(loss, preds, yb);
}

// ---- Using parameters and optim
cell("parameters(): a Module finds the layers in its fields");
Minibatch.manualSeed(42);
class MLP extends Module {
    final Linear l1, l2;
    final ReLU relu = new ReLU();
    MLP(int nIn, int nh, int nOut) { l1 = new Linear(nIn, nh); l2 = new Linear(nh, nOut); }
    @Override public Tensor forward(Tensor x) { return l2.forward(relu.forward(l1.forward(x))); }
}
MLP model = new MLP(m, nh, 10);
show("model.l1", model.l1);
model.namedChildren().forEach((name, l) -> System.out.println(name + ": " + l));
System.out.println(model);
for (Tensor p : model.parameters()) System.out.println(Arrays.toString(p.shape()));

void fit(Module model, int epochs) {
    for (int epoch = 0; epoch < epochs; epoch++) {
        for (int i = 0; i < n; i += bs) {
            xb = xTrain.slice(0, i, Math.min(n, i + bs));
            yb = yTrain.slice(0, i, Math.min(n, i + bs));
            preds = model.forward(xb);
            loss = Functional.crossEntropy(preds, yb);
            loss.backward();
            try (var g = Autograd.noGrad()) {
                for (Tensor p : model.parameters()) p.addInPlace(p.grad(), -lr);
                model.zeroGrad();
            }
        }
        report(loss, preds, yb);
    }
}
fit(model, epochs);

cell("a self-registering module, by hand: what nn.Module's __setattr__ does");
class MyModule {
    final Map<String, Module> modules = new LinkedHashMap<>();
    final Linear l1, l2;
    MyModule(int nIn, int nh, int nOut) { l1 = set("l1", new Linear(nIn, nh)); l2 = set("l2", new Linear(nh, nOut)); }
    <M extends Module> M set(String name, M module) { modules.put(name, module); return module; }
    List<Tensor> parameters() { return modules.values().stream().flatMap(l -> l.parameters().stream()).toList(); }
    Tensor call(Tensor x) { return l2.forward(l1.forward(x).relu()); }
    @Override public String toString() { return modules.toString(); }
}
MyModule mdl = new MyModule(m, nh, 10);
System.out.println(mdl);
for (Tensor p : mdl.parameters()) System.out.println(Arrays.toString(p.shape()));

cell("registering modules: register(name, module) is add_module");
class RegisteredModel extends Module {
    final List<Module> layers;
    RegisteredModel(List<Module> layers) {
        this.layers = layers; // a plain list registers nothing, as in PyTorch
        for (int i = 0; i < layers.size(); i++) register("layer_" + i, layers.get(i));
    }
    @Override public Tensor forward(Tensor x) { for (Module l : layers) x = l.forward(x); return x; }
}
Minibatch.manualSeed(42);
RegisteredModel rmodel = new RegisteredModel(List.of(new Linear(m, nh), new ReLU(), new Linear(nh, 10)));
System.out.println(rmodel);
show("model(xb).shape", Arrays.toString(rmodel.forward(xb).shape()));

cell("registering modules: a ModuleList");
class SequentialModel extends Module {
    final ModuleList layers;
    SequentialModel(Module... layers) { this.layers = new ModuleList(layers); }
    @Override public Tensor forward(Tensor x) { for (Module l : layers) x = l.forward(x); return x; }
}
Minibatch.manualSeed(42);
SequentialModel smodel = new SequentialModel(new Linear(m, nh), new ReLU(), new Linear(nh, 10));
System.out.println(smodel);
fit(smodel, epochs);

cell("nn.Sequential");
Minibatch.manualSeed(42);
Sequential seq = new Sequential(new Linear(m, nh), new ReLU(), new Linear(nh, 10));
fit(seq, epochs);
show("loss_func(model(xb), yb), accuracy", String.format("%.4f, %.4f", Functional.crossEntropy(seq.forward(xb), yb).item(), accuracy(seq.forward(xb), yb)));
System.out.println(seq);

// ---- optim
cell("the optimizer class, by hand");
class MyOptimizer {
    final List<Tensor> params; final float lr;
    MyOptimizer(List<Tensor> params, float lr) { this.params = params; this.lr = lr; }
    void step() { try (var g = Autograd.noGrad()) { for (Tensor p : params) p.addInPlace(p.grad(), -lr); } }
    void zeroGrad() { for (Tensor p : params) p.zeroGrad(); }
}
Minibatch.manualSeed(42);
Sequential seq2 = new Sequential(new Linear(m, nh), new ReLU(), new Linear(nh, 10));
MyOptimizer myOpt = new MyOptimizer(seq2.parameters(), lr);
for (int epoch = 0; epoch < epochs; epoch++) {
    for (int i = 0; i < n; i += bs) {
        xb = xTrain.slice(0, i, Math.min(n, i + bs));
        yb = yTrain.slice(0, i, Math.min(n, i + bs));
        preds = seq2.forward(xb);
        loss = Functional.crossEntropy(preds, yb);
        loss.backward();
        myOpt.step();
        myOpt.zeroGrad();
    }
    report(loss, preds, yb);
}

cell("optim.SGD");
record ModelAndOpt(Sequential model, SGD opt) {}
ModelAndOpt getModel() {
    Sequential model = new Sequential(new Linear(m, nh), new ReLU(), new Linear(nh, 10));
    return new ModelAndOpt(model, SGD.builder(model.parameters()).lr(lr).build());
}
Minibatch.manualSeed(42);
ModelAndOpt mo = getModel();
Sequential net = mo.model();
SGD opt = mo.opt();
show("loss_func(model(xb), yb)", Functional.crossEntropy(net.forward(xb), yb));
for (int epoch = 0; epoch < epochs; epoch++) {
    for (int i = 0; i < n; i += bs) {
        xb = xTrain.slice(0, i, Math.min(n, i + bs));
        yb = yTrain.slice(0, i, Math.min(n, i + bs));
        preds = net.forward(xb);
        loss = Functional.crossEntropy(preds, yb);
        loss.backward();
        opt.step();
        opt.zeroGrad();
    }
    report(loss, preds, yb);
}

// ---- Dataset and DataLoader
cell("Dataset: an item per index");
class LessonDataset implements dev.minibatch.data.Dataset<Batch> {
    final Tensor x, y;
    LessonDataset(Tensor x, Tensor y) { this.x = x; this.y = y; }
    public int size() { return x.size(0); }
    public Batch get(int i) { return Batch.of(x.index(i).squeeze(0), y.index(i).squeeze(0)); }
}
LessonDataset trainDs = new LessonDataset(xTrain, yTrain), validDs = new LessonDataset(xValid, yValid);
show("len(train_ds), len(valid_ds)", trainDs.size() + ", " + validDs.size());
Batch five = trainDs.getBatch(new int[] {0, 1, 2, 3, 4});
show("xb, yb = train_ds[0:5]: shapes", Arrays.toString(five.x().shape()) + ", " + Arrays.toString(five.y().shape()));
show("yb", five.y());

cell("DataLoader with the samplers and collate: RandomSampler, BatchSampler, a collate function");
Collate<Batch, Batch> collate = items -> Batch.of(Tensor.stack(items.stream().map(Batch::x).toList(), 0),
        Tensor.stack(items.stream().map(Batch::y).toList(), 0));
BatchSampler trainSamp = new BatchSampler(new RandomSampler(trainDs.size(), new Generator(42)), bs, false);
BatchSampler validSamp = new BatchSampler(new SequentialSampler(validDs.size()), bs, false);
int shown = 0;
for (int[] b : trainSamp) { if (shown++ == 2) break; show("a batch of indices", Arrays.toString(Arrays.copyOf(b, 8)) + "..."); }
DataLoader<Batch> trainDl = DataLoader.builder(trainDs).batchSampler(trainSamp).collate(collate).build();
DataLoader<Batch> validDl = DataLoader.builder(validDs).batchSampler(validSamp).collate(collate).build();
Batch first = trainDl.iterator().next();
show("xb.shape, yb.shape", Arrays.toString(first.x().shape()) + ", " + Arrays.toString(first.y().shape()));
show("yb[:10]", first.y().slice(0, 0, 10));

cell("workers: the same batches, drawn by two threads");
DataLoader<Batch> workersDl = DataLoader.builder(trainDs).batchSize(bs).shuffle(true).seed(42).numWorkers(2).build();
Batch w = workersDl.iterator().next();
show("xb.shape with 2 workers", Arrays.toString(w.x().shape()));
show("len(train_dl)", workersDl.size());

// ---- Validation: fit
cell("fit: a training pass, then a validation pass under no_grad, for 5 epochs");
float[] fitLesson(int epochs, Module model, SGD opt, DataLoader<Batch> trainDl, DataLoader<Batch> validDl) {
    float totLoss = 0, totAcc = 0;
    for (int epoch = 0; epoch < epochs; epoch++) {
        model.train();
        for (Batch b : trainDl) {
            Tensor loss = Functional.crossEntropy(model.forward(b.x()), b.y());
            loss.backward();
            opt.step();
            opt.zeroGrad();
        }
        model.eval();
        try (var g = Autograd.noGrad()) {
            totLoss = 0; totAcc = 0; int count = 0;
            for (Batch b : validDl) {
                Tensor p = model.forward(b.x());
                int k = b.x().size(0);
                count += k;
                totLoss += Functional.crossEntropy(p, b.y()).item() * k;
                totAcc += accuracy(p, b.y()) * k;
            }
            totLoss /= count; totAcc /= count;
        }
        System.out.printf("%d %.4f %.4f%n", epoch, totLoss, totAcc);
    }
    return new float[] {totLoss, totAcc};
}
DataLoaders getDls() { return DataLoaders.of(mnist.train(), mnist.valid(), bs, 42); } // shuffled train, valid batches x2
Minibatch.manualSeed(42);
ModelAndOpt fitted = getModel();
DataLoaders dls = getDls();
float[] lossAcc = fitLesson(5, fitted.model(), fitted.opt(), dls.train(), dls.valid());

cell("the library's fit: Learner.fit, with a callback printing each epoch; the same seed, the same numbers");
Minibatch.manualSeed(42);
ModelAndOpt lib = getModel();
dls = getDls();
Callback printer = new Callback() {
    @Override public void afterEpoch(Learner l) {
        EpochResult r = l.history().last().orElseThrow();
        System.out.printf("%d %.4f %.4f%n", r.epoch() - 1, r.validLoss(), r.metrics().get("accuracy"));
    }
};
History history = Learner.fit(5, lib.model(), Functional::crossEntropy, lib.opt(), dls.train(), dls.valid(), printer);
double finalAccuracy = history.last().orElseThrow().metrics().get("accuracy");
System.out.printf("%nlesson: validation accuracy %.4f after 5 epochs (the hand-written fit: %.4f)%n", finalAccuracy, lossAcc[1]);
/exit

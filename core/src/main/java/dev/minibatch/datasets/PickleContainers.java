package dev.minibatch.datasets;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The tuples, lists and dicts a pickle builds, kept small, shallow and acyclic: at most
 * {@link #MAX_ELEMENTS} elements in all, nested at most {@link #MAX_DEPTH} deep, never containing
 * themselves. Then nothing that walks a value (hashing, comparing, printing) can run without end or
 * overflow the stack. A list or dict may be filled only until it is put inside another container, which
 * is how Python writes every pickle but those of recursive structures; and dict keys, which are hashed,
 * are only strings, bytes, numbers, booleans or None.
 */
final class PickleContainers {
    static final int MAX_DEPTH = 100;
    static final long MAX_ELEMENTS = 1 << 24;

    /** Reports a problem at the opcode being run. */
    interface Failure {
        DatasetFormatException fail(String problem);
    }

    private final Failure failure;
    /** How deep each container built so far nests: 1 if it holds no container. */
    private final Map<Object, Integer> depths = new IdentityHashMap<>();
    /** The containers that are inside another one, and so must not change any more. */
    private final Set<Object> contained = Collections.newSetFromMap(new IdentityHashMap<>());
    private long elements;

    PickleContainers(Failure failure) {
        this.failure = failure;
    }

    List<Object> tuple(List<Object> items) throws DatasetFormatException {
        List<Object> tuple = Collections.unmodifiableList(items);
        depths.put(tuple, 1);
        add(tuple, items);
        return tuple;
    }

    List<Object> list() {
        List<Object> list = new ArrayList<>();
        depths.put(list, 1);
        return list;
    }

    Map<Object, Object> dict() {
        Map<Object, Object> dict = new LinkedHashMap<>();
        depths.put(dict, 1);
        return dict;
    }

    /** APPEND and APPENDS. */
    void append(Object target, List<Object> items) throws DatasetFormatException {
        if (!(target instanceof ArrayList<?> list)) {
            throw failure.fail("APPEND to a " + NumpyCalls.typeName(target) + ", not a list");
        }
        add(list, items);
        @SuppressWarnings("unchecked")
        List<Object> values = (List<Object>) list;
        values.addAll(items);
    }

    /** SETITEM and SETITEMS: keys and values alternate in {@code pairs}. */
    void setItems(Object target, List<Object> pairs) throws DatasetFormatException {
        if (pairs.size() % 2 != 0) {
            throw failure.fail("SETITEMS with an odd number of values");
        }
        if (!(target instanceof LinkedHashMap<?, ?> map)) {
            throw failure.fail("SETITEM on a " + NumpyCalls.typeName(target) + ", not a dict");
        }
        for (int i = 0; i < pairs.size(); i += 2) {
            Object key = pairs.get(i);
            if (!(key == null || key instanceof String || key instanceof byte[] || key instanceof Long
                    || key instanceof Boolean)) {
                throw failure.fail("dict key is a " + (depths.containsKey(key) ? kind(key) : NumpyCalls.typeName(key))
                        + "; keys are read only as strings, bytes, numbers, booleans or None");
            }
        }
        add(map, pairs);
        @SuppressWarnings("unchecked")
        Map<Object, Object> entries = (Map<Object, Object>) map;
        for (int i = 0; i < pairs.size(); i += 2) {
            entries.put(pairs.get(i), pairs.get(i + 1));
        }
    }

    /** Accounts for {@code items} going into {@code container}: their number, their depth, their sealing. */
    private void add(Object container, List<Object> items) throws DatasetFormatException {
        elements += items.size();
        if (elements > MAX_ELEMENTS) {
            throw failure.fail("pickle builds more than " + MAX_ELEMENTS + " container elements");
        }
        int depth = depths.get(container);
        for (Object item : items) {
            Integer inner = depths.get(item);
            if (inner != null) {
                contained.add(item);
                depth = Math.max(depth, inner + 1);
            }
        }
        if (contained.contains(container)) {
            throw failure.fail("a " + kind(container) + " changes after it was put inside another container "
                    + "(or itself); recursive structures are not read");
        }
        if (depth > MAX_DEPTH) {
            throw failure.fail("pickle nests containers more than " + MAX_DEPTH + " deep");
        }
        depths.put(container, depth);
    }

    private static String kind(Object container) {
        return container instanceof Map ? "dict" : container instanceof ArrayList ? "list" : "tuple";
    }
}

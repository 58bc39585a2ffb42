package dev.minibatch.data;

import dev.minibatch.tensor.Tensor;

import java.util.ArrayList;
import java.util.List;

/** The recursion behind {@link Collate#defaultCollate()} and {@link Collate#stack()}. */
final class Collation {
    private Collation() {
    }

    static Object collate(List<?> items, boolean numbers) {
        if (items.isEmpty()) {
            throw new IllegalArgumentException("collate: a batch needs at least one item");
        }
        return collate(items, numbers, "item");
    }

    private static Object collate(List<?> items, boolean numbers, String where) {
        Object first = items.get(0);
        if (first instanceof Tensor) {
            return Tensor.stack(all(items, Tensor.class, where), 0);
        }
        if (first instanceof Batch) {
            List<Batch> batches = all(items, Batch.class, where);
            List<List<?>> columns = columns(batches.stream().map(Batch::tensors).toList(), where);
            List<Tensor> out = new ArrayList<>(columns.size());
            for (int c = 0; c < columns.size(); c++) {
                out.add((Tensor) collate(columns.get(c), numbers, where + ".get(" + c + ")"));
            }
            return new Batch(out);
        }
        if (first instanceof List) {
            @SuppressWarnings("unchecked")
            List<List<?>> lists = (List<List<?>>) (List<?>) all(items, List.class, where);
            List<List<?>> columns = columns(lists, where);
            List<Object> out = new ArrayList<>(columns.size());
            for (int c = 0; c < columns.size(); c++) {
                out.add(collate(columns.get(c), numbers, where + "[" + c + "]"));
            }
            return out;
        }
        if (numbers && (first instanceof Integer || first instanceof Long)) {
            return ints(items, where);
        }
        if (numbers && (first instanceof Float || first instanceof Double)) {
            return floats(items, where);
        }
        String type = first == null ? "null" : first.getClass().getSimpleName();
        throw new IllegalArgumentException("collate: cannot batch " + where + " of type " + type
                + (first instanceof Number
                        ? ": numbers become a tensor, so collate such items with Collate.defaultCollate()"
                        : ": expected tensors, Batch, List" + (numbers ? " or numbers" : "")));
    }

    private static <E> List<E> all(List<?> items, Class<E> type, String where) {
        List<E> out = new ArrayList<>(items.size());
        for (int i = 0; i < items.size(); i++) {
            Object o = items.get(i);
            if (!type.isInstance(o)) {
                throw new IllegalArgumentException("collate: " + where + " " + i + " is "
                        + (o == null ? "null" : "a " + o.getClass().getSimpleName()) + " but item 0 is a "
                        + items.get(0).getClass().getSimpleName());
            }
            out.add(type.cast(o));
        }
        return out;
    }

    /** Transposes equally long rows into columns. */
    private static List<List<?>> columns(List<? extends List<?>> rows, String where) {
        int width = rows.get(0).size();
        List<List<?>> columns = new ArrayList<>(width);
        for (int c = 0; c < width; c++) {
            columns.add(new ArrayList<>(rows.size()));
        }
        for (int r = 0; r < rows.size(); r++) {
            List<?> row = rows.get(r);
            if (row.size() != width) {
                throw new IllegalArgumentException("collate: each " + where + " must have the same number of "
                        + "elements, but item 0 has " + width + " and item " + r + " has " + row.size());
            }
            for (int c = 0; c < width; c++) {
                @SuppressWarnings("unchecked")
                List<Object> column = (List<Object>) columns.get(c);
                column.add(row.get(c));
            }
        }
        return columns;
    }

    private static Tensor ints(List<?> items, String where) {
        int[] v = new int[items.size()];
        for (int i = 0; i < v.length; i++) {
            Object o = items.get(i);
            if (!(o instanceof Integer || o instanceof Long)) {
                throw new IllegalArgumentException("collate: " + where + " " + i + " is " + describe(o)
                        + " but item 0 is an integer");
            }
            long x = ((Number) o).longValue();
            if (x != (int) x) {
                throw new IllegalArgumentException("collate: " + where + " " + i + " = " + x
                        + " does not fit an int32 tensor");
            }
            v[i] = (int) x;
        }
        return Tensor.wrapInts(v, v.length);
    }

    private static Tensor floats(List<?> items, String where) {
        float[] v = new float[items.size()];
        for (int i = 0; i < v.length; i++) {
            Object o = items.get(i);
            if (!(o instanceof Float || o instanceof Double)) {
                throw new IllegalArgumentException("collate: " + where + " " + i + " is " + describe(o)
                        + " but item 0 is a floating-point number");
            }
            v[i] = ((Number) o).floatValue();
        }
        return Tensor.wrap(v, v.length);
    }

    private static String describe(Object o) {
        return o == null ? "null" : "a " + o.getClass().getSimpleName() + " (" + o + ")";
    }
}

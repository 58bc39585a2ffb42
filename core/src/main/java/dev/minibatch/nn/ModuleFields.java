package dev.minibatch.nn;

import dev.minibatch.tensor.Tensor;

import java.lang.reflect.Field;
import java.lang.reflect.InaccessibleObjectException;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;

/**
 * The fields of a {@link Module} subclass that can hold a sub-module or a parameter: instance fields whose
 * declared type is a Module or a Tensor, superclasses first, each class's in declaration order (the order
 * {@link Class#getDeclaredFields()} gives on HotSpot, and the order a reader sees). Looked up once per class.
 */
final class ModuleFields {
    private static final ClassValue<List<Field>> FIELDS = new ClassValue<>() {
        @Override
        protected List<Field> computeValue(Class<?> type) {
            List<Field> fields = new ArrayList<>();
            if (type != Module.class) {
                fields.addAll(get(type.getSuperclass()));
                for (Field f : type.getDeclaredFields()) {
                    if (holdsMember(f)) {
                        open(f);
                        fields.add(f);
                    }
                }
            }
            return List.copyOf(fields);
        }
    };

    private ModuleFields() {
    }

    static List<Field> of(Class<? extends Module> type) {
        return FIELDS.get(type);
    }

    static boolean isField(Class<? extends Module> type, String name) {
        for (Field f : of(type)) {
            if (f.getName().equals(name)) {
                return true;
            }
        }
        return false;
    }

    static Object read(Field field, Module owner) {
        try {
            return field.get(owner);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException("cannot read field " + field.getName() + " of "
                    + owner.getClass().getName(), e);
        }
    }

    private static List<Field> get(Class<?> type) {
        return FIELDS.get(type);
    }

    /** Synthetic fields (an inner class's {@code this$0}) are the compiler's, not the user's: never members. */
    private static boolean holdsMember(Field f) {
        Class<?> t = f.getType();
        return !Modifier.isStatic(f.getModifiers()) && !f.isSynthetic()
                && (Module.class.isAssignableFrom(t) || t == Tensor.class);
    }

    private static void open(Field f) {
        try {
            f.setAccessible(true);
        } catch (InaccessibleObjectException e) {
            throw new IllegalStateException("cannot register field " + f.getName() + " of "
                    + f.getDeclaringClass().getName() + ": its package is not open to Minibatch; add `opens "
                    + f.getDeclaringClass().getPackageName() + "` to your module-info.java", e);
        }
    }
}

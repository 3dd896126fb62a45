package io.jmanager.shm;

/** The kinds of objects an area holds, with their codes in the object table (see {@link AreaLayout}). */
enum ObjectKind {
    VALUE(1, "value"),
    ARRAY(2, "array"),
    STRUCT_ARRAY(3, "struct array"),
    LOCK(4, "lock"),
    RLOCK(5, "reentrant lock");

    final int code;
    final String label;

    ObjectKind(int code, String label) {
        this.code = code;
        this.label = label;
    }

    static ObjectKind of(int code) {
        for (ObjectKind kind : values()) {
            if (kind.code == code) {
                return kind;
            }
        }
        return null;
    }

    boolean isLock() {
        return this == LOCK || this == RLOCK;
    }
}

package io.jmanager.registry.http;

/** A small JSON writer for the status API: objects, arrays, strings, numbers and booleans, nothing else. */
final class Json {
    private final StringBuilder out = new StringBuilder(4096);
    private boolean first = true;

    Json begin() {
        comma();
        out.append('{');
        first = true;
        return this;
    }

    Json end() {
        out.append('}');
        first = false;
        return this;
    }

    Json beginArray() {
        comma();
        out.append('[');
        first = true;
        return this;
    }

    Json endArray() {
        out.append(']');
        first = false;
        return this;
    }

    /** Starts a member: its value comes next. */
    Json key(String name) {
        comma();
        string(name);
        out.append(':');
        first = true;
        return this;
    }

    Json value(String text) {
        comma();
        if (text == null) {
            out.append("null");
        } else {
            string(text);
        }
        first = false;
        return this;
    }

    Json value(long number) {
        comma();
        out.append(number);
        first = false;
        return this;
    }

    Json value(double number) {
        comma();
        out.append(Double.isFinite(number) ? Double.toString(number) : "null");
        first = false;
        return this;
    }

    Json value(boolean flag) {
        comma();
        out.append(flag);
        first = false;
        return this;
    }

    Json member(String name, String text) {
        return key(name).value(text);
    }

    Json member(String name, long number) {
        return key(name).value(number);
    }

    Json member(String name, boolean flag) {
        return key(name).value(flag);
    }

    private void comma() {
        if (!first) {
            out.append(',');
        }
    }

    private void string(String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20 || c == '<' || c == '>' || c == '&' || c == 0x2028 || c == 0x2029) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }

    @Override
    public String toString() {
        return out.toString();
    }
}

package io.jmanager.process;

/** The {@code Point} structure of Python's sharedctypes example: {@code _fields_ = [('x', c_double), ('y', c_double)]}. */
record Point(double x, double y) {
}

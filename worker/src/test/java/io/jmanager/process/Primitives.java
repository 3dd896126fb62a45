package io.jmanager.process;

/** A struct of every primitive a record field may have (layout {@code b:b,s:h,i:i,l:q,f:f,d:d,c:u}). */
record Primitives(byte b, short s, int i, long l, float f, double d, char c) {
}

package io.sluice.errors;

/** Marks an error after which the same operation may succeed if tried again later. */
public interface Retriable {
}

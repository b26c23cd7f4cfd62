/** The test kit's internals: how it reads topics. No compatibility promise; other modules do not import it. */
package io.sluice.test.internal;

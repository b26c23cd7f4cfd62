/** Managing topics and looking at groups: {@link io.sluice.admin.Admin} and the specs and descriptions it uses. */
package io.sluice.admin;

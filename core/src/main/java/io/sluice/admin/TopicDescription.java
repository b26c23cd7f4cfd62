package io.sluice.admin;

import java.util.List;

/** A topic as it is now: its spec and, per partition, the retained offset range. */
public record TopicDescription(TopicSpec spec, List<PartitionInfo> partitions) {

    /**
     * @param startOffset the oldest retained offset
     * @param endOffset the offset the next record will get
     */
    public record PartitionInfo(int partition, long startOffset, long endOffset) {
        public long retainedRecords() {
            return endOffset - startOffset;
        }
    }

    public String name() {
        return spec.name();
    }
}

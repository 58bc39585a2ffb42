package dev.minibatch.spark;

import org.apache.spark.BarrierTaskContext;
import scala.collection.Iterator;
import scala.jdk.javaapi.CollectionConverters;
import scala.runtime.AbstractFunction1;

import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The body of each barrier task: it builds its {@link Replica}, publishes its address and description with
 * one {@code allGather}, checks that all ranks describe the same run, connects to the others and trains.
 */
final class RankTask extends AbstractFunction1<Iterator<Integer>, Iterator<RankResult>> implements Serializable {
    private static final long serialVersionUID = 1L;

    private final TrainingJob job;
    private final Plan plan;

    RankTask(TrainingJob job, Plan plan) {
        this.job = job;
        this.plan = plan;
    }

    @Override
    public Iterator<RankResult> apply(Iterator<Integer> ignored) {
        BarrierTaskContext context = BarrierTaskContext.get();
        int rank = context.partitionId();
        int replicas = context.getTaskInfos().length;
        try (ServerSocket server = new ServerSocket(0, replicas, host(context, rank))) {
            Replica replica = Replica.build(job, plan, rank, replicas);
            String me = server.getInetAddress().getHostAddress() + ":" + server.getLocalPort();
            String[] all = context.allGather(me + "\n" + Handshake.encode(replica.description()));
            List<InetSocketAddress> addresses = new ArrayList<>();
            List<Map<String, String>> descriptions = new ArrayList<>();
            for (String s : all) {
                String address = s.substring(0, s.indexOf('\n'));
                int colon = address.lastIndexOf(':');
                addresses.add(new InetSocketAddress(address.substring(0, colon),
                        Integer.parseInt(address.substring(colon + 1))));
                descriptions.add(Handshake.decode(s.substring(s.indexOf('\n') + 1)));
            }
            Handshake.check(descriptions);
            try (AllReduce allReduce = AllReduce.connect(rank, addresses, server,
                    Duration.ofMillis(plan.peerTimeoutMillis()))) {
                RankResult result = replica.train(allReduce, context.stageAttemptNumber());
                return CollectionConverters.asScala(List.of(result).iterator());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("rank " + rank + ": " + e.getMessage(), e);
        }
    }

    /** The executor's own host, as Spark knows it (SPARK_LOCAL_IP sets it), so peers connect there. */
    private static InetAddress host(BarrierTaskContext context, int rank) throws IOException {
        String address = context.getTaskInfos()[rank].address();
        int colon = address.lastIndexOf(':');
        return InetAddress.getByName(colon < 0 ? address : address.substring(0, colon));
    }
}

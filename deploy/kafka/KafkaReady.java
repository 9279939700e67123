// Readiness probe used by kafka.sh: asks the broker for its cluster metadata
// through Kafka's own AdminClient (kafka-clients from the fetched libs).
// Run with the JDK source launcher, no build step:
//   java -cp 'libs/*' KafkaReady.java 127.0.0.1:9092 [timeoutMs]
// Exit 0 and one line "cluster=<id> nodes=<n> controller=<id> topics=<n>" when the
// broker answers Metadata/DescribeCluster; exit 1 with the error otherwise.
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterResult;

public class KafkaReady {
    public static void main(String[] args) {
        String bootstrap = args.length > 0 ? args[0] : "127.0.0.1:9092";
        int timeoutMs = args.length > 1 ? Integer.parseInt(args[1]) : 10000;
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(AdminClientConfig.CLIENT_ID_CONFIG, "g2g-kafka-ready");
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, timeoutMs);
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, timeoutMs);
        try (Admin admin = Admin.create(p)) {
            DescribeClusterResult c = admin.describeCluster();
            String clusterId = c.clusterId().get(timeoutMs, TimeUnit.MILLISECONDS);
            int nodes = c.nodes().get(timeoutMs, TimeUnit.MILLISECONDS).size();
            String controller = String.valueOf(c.controller().get(timeoutMs, TimeUnit.MILLISECONDS).id());
            int topics = admin.listTopics().names().get(timeoutMs, TimeUnit.MILLISECONDS).size();
            if (nodes < 1) {
                System.err.println("no live broker in cluster metadata");
                System.exit(1);
            }
            System.out.println("cluster=" + clusterId + " nodes=" + nodes + " controller=" + controller + " topics=" + topics);
        } catch (Exception e) {
            Throwable t = e.getCause() != null ? e.getCause() : e;
            System.err.println(t.getClass().getSimpleName() + ": " + t.getMessage());
            System.exit(1);
        }
    }
}

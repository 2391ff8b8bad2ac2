// Interop checks against RocketMQ's own Java client, run in single-file source mode:
//   java -cp "$CACHE/rocketmq-5.3.3/lib/*" Interop.java produce <namesrv> <topic> <messages.json>
//   java -cp "$CACHE/rocketmq-5.3.3/lib/*" Interop.java consume <namesrv> <topic> <count> <timeoutMs>
//   java -cp "$CACHE/rocketmq-5.3.3/lib/*" Interop.java binary-frame
// messages.json: [{"body": base64, "tags": s, "keys": [s], "properties": {k: v}}]
// Result lines start with "OUT " (the shaded logback prints status lines on stdout too).
// produce prints one JSON line per message: {"msgId","queueId","queueOffset"}
// consume prints one JSON line per message: {"body","tags","keys","properties","msgId","queueId","queueOffset"}
// binary-frame prints the hex of a request encoded by RocketMQ with the binary (ROCKETMQ) header.

import com.alibaba.fastjson.JSON;
import com.alibaba.fastjson.JSONArray;
import com.alibaba.fastjson.JSONObject;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.rocketmq.client.consumer.DefaultMQPullConsumer;
import org.apache.rocketmq.client.consumer.PullResult;
import org.apache.rocketmq.client.consumer.PullStatus;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.client.producer.SendResult;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageConst;
import org.apache.rocketmq.common.message.MessageExt;
import org.apache.rocketmq.common.message.MessageQueue;
import org.apache.rocketmq.remoting.protocol.RemotingCommand;
import org.apache.rocketmq.remoting.protocol.SerializeType;

public class Interop {
    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "produce" -> produce(args[1], args[2], Path.of(args[3]));
            case "consume" -> consume(args[1], args[2], Integer.parseInt(args[3]), Long.parseLong(args[4]));
            case "binary-frame" -> binaryFrame();
            default -> throw new IllegalArgumentException("unknown mode " + args[0]);
        }
        System.exit(0);
    }

    static void produce(String namesrv, String topic, Path file) throws Exception {
        JSONArray list = JSON.parseArray(Files.readString(file));
        DefaultMQProducer producer = new DefaultMQProducer("interop_java_producer_" + System.nanoTime());
        producer.setNamesrvAddr(namesrv);
        producer.setInstanceName("interop-" + ProcessHandle.current().pid());
        producer.start();
        try {
            for (int i = 0; i < list.size(); i++) {
                JSONObject m = list.getJSONObject(i);
                Message msg = new Message(topic, Base64.getDecoder().decode(m.getString("body")));
                if (m.getString("tags") != null) msg.setTags(m.getString("tags"));
                JSONArray keys = m.getJSONArray("keys");
                if (keys != null && !keys.isEmpty()) msg.setKeys(keys.toJavaList(String.class));
                JSONObject props = m.getJSONObject("properties");
                if (props != null) for (String k : props.keySet()) msg.putUserProperty(k, props.getString(k));
                SendResult r = producer.send(msg);
                JSONObject out = new JSONObject(true);
                out.put("msgId", r.getMsgId());
                out.put("queueId", r.getMessageQueue().getQueueId());
                out.put("queueOffset", r.getQueueOffset());
                out.put("status", r.getSendStatus().name());
                System.out.println("OUT " + out.toJSONString());
            }
        } finally {
            producer.shutdown();
        }
    }

    // DefaultMQPullConsumer (no background threads, unlike DefaultLitePullConsumer whose own pull tasks
    // raced with seekToBegin and made this flaky): read every queue from offset 0 until `count` messages.
    @SuppressWarnings("deprecation")
    static void consume(String namesrv, String topic, int count, long timeoutMs) throws Exception {
        DefaultMQPullConsumer consumer = new DefaultMQPullConsumer("interop_java_consumer_" + System.nanoTime());
        consumer.setNamesrvAddr(namesrv);
        consumer.setInstanceName("interop-" + ProcessHandle.current().pid());
        consumer.start();
        try {
            List<MessageQueue> queues = new ArrayList<>(consumer.fetchSubscribeMessageQueues(topic));
            Map<MessageQueue, Long> offsets = new HashMap<>();
            for (MessageQueue q : queues) offsets.put(q, 0L);
            int seen = 0;
            long deadline = System.currentTimeMillis() + timeoutMs;
            while (seen < count && System.currentTimeMillis() < deadline) {
                boolean any = false;
                for (MessageQueue q : queues) {
                    PullResult r = consumer.pull(q, "*", offsets.get(q), 32);
                    offsets.put(q, r.getNextBeginOffset());
                    if (r.getPullStatus() != PullStatus.FOUND) continue;
                    any = true;
                    for (MessageExt m : r.getMsgFoundList()) {
                        Map<String, String> user = new HashMap<>();
                        for (Map.Entry<String, String> e : m.getProperties().entrySet()) {
                            if (!MessageConst.STRING_HASH_SET.contains(e.getKey())) user.put(e.getKey(), e.getValue());
                        }
                        JSONObject out = new JSONObject(true);
                        out.put("body", Base64.getEncoder().encodeToString(m.getBody()));
                        out.put("tags", m.getTags());
                        out.put("keys", m.getKeys() == null ? new ArrayList<String>() : List.of(m.getKeys().split(" ")));
                        out.put("properties", user);
                        out.put("msgId", m.getMsgId());
                        out.put("queueId", m.getQueueId());
                        out.put("queueOffset", m.getQueueOffset());
                        System.out.println("OUT " + out.toJSONString());
                        seen++;
                    }
                }
                if (!any) Thread.sleep(200);
            }
        } finally {
            consumer.shutdown();
        }
    }

    static void binaryFrame() {
        HashMap<String, String> ext = new HashMap<>();
        ext.put("topic", "TopicA");
        ext.put("queueId", "3");
        RemotingCommand cmd = RemotingCommand.createRequestCommand(11, null);
        cmd.setExtFields(ext);
        cmd.setRemark("hé");
        cmd.setOpaque(4242);
        cmd.setSerializeTypeCurrentRPC(SerializeType.ROCKETMQ);
        cmd.setBody("body".getBytes(StandardCharsets.UTF_8));
        ByteBuffer header = cmd.encodeHeader();
        byte[] body = cmd.getBody();
        byte[] all = new byte[header.remaining() + body.length];
        header.get(all, 0, header.remaining());
        System.arraycopy(body, 0, all, all.length - body.length, body.length);
        StringBuilder sb = new StringBuilder();
        for (byte b : all) sb.append(String.format("%02x", b));
        System.out.println("OUT " + sb);
    }
}

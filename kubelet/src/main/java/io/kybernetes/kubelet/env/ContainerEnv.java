package io.kybernetes.kubelet.env;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarSource;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;

/**
 * A container's environment as upstream builds it: envFrom sources first (in order, with their prefix; keys that are
 * not valid variable names are skipped), then env entries, each expanding {@code $(VAR)} references to variables
 * defined before it or to the Service variables ({@link ServiceEnv}), which come last for names not defined.
 */
public final class ContainerEnv {

    /** Names upstream accepts for environment variables (printable ASCII, no '=', not starting with a digit). */
    private static final Pattern VALID_NAME = Pattern.compile("[-._a-zA-Z][-._a-zA-Z0-9]*");

    private ContainerEnv() {
    }

    public static Map<String, String> resolve(Pod pod, Container c, PodFacts facts, ObjectSource objects)
            throws ContainerConfigException {
        String ns = pod.getMetadata().getNamespace();
        var services = objects.services();
        if (services == null) {
            throw new ContainerConfigException("services have not yet been read at least once, cannot construct envvars");
        }
        Map<String, String> serviceEnv = ServiceEnv.of(pod, services);
        Map<String, String> env = new LinkedHashMap<>();
        if (c.getEnvFrom() != null) {
            for (EnvFromSource from : c.getEnvFrom()) {
                String prefix = from.getPrefix() == null ? "" : from.getPrefix();
                Map<String, String> values;
                if (from.getConfigMapRef() != null) {
                    var ref = from.getConfigMapRef();
                    ConfigMap cm = objects.configMap(ns, ref.getName());
                    if (cm == null) {
                        if (Boolean.TRUE.equals(ref.getOptional())) {
                            continue;
                        }
                        throw new ContainerConfigException("configmap \"" + ref.getName() + "\" not found");
                    }
                    values = configMapData(cm);
                } else if (from.getSecretRef() != null) {
                    var ref = from.getSecretRef();
                    Secret s = objects.secret(ns, ref.getName());
                    if (s == null) {
                        if (Boolean.TRUE.equals(ref.getOptional())) {
                            continue;
                        }
                        throw new ContainerConfigException("secret \"" + ref.getName() + "\" not found");
                    }
                    values = secretData(s);
                } else {
                    continue;
                }
                values.forEach((k, v) -> {
                    String name = prefix + k;
                    if (VALID_NAME.matcher(name).matches()) {
                        env.put(name, v);
                    }
                });
            }
        }
        if (c.getEnv() != null) {
            for (EnvVar e : c.getEnv()) {
                String value;
                if (e.getValueFrom() == null) {
                    Map<String, String> known = env;
                    if (!serviceEnv.isEmpty()) {
                        known = new LinkedHashMap<>(serviceEnv);
                        known.putAll(env);
                    }
                    value = expand(e.getValue() == null ? "" : e.getValue(), known);
                } else {
                    value = fromSource(pod, c, e.getValueFrom(), facts, objects);
                    if (value == null) {
                        continue; // an optional key or object that is missing: the variable is not set
                    }
                }
                env.put(e.getName(), value);
            }
        }
        serviceEnv.forEach(env::putIfAbsent);
        return env;
    }

    private static String fromSource(Pod pod, Container c, EnvVarSource src, PodFacts facts, ObjectSource objects)
            throws ContainerConfigException {
        String ns = pod.getMetadata().getNamespace();
        if (src.getFieldRef() != null) {
            return DownwardApi.fieldRef(pod, src.getFieldRef().getFieldPath(), facts);
        }
        if (src.getResourceFieldRef() != null) {
            var r = src.getResourceFieldRef();
            String container = r.getContainerName() == null || r.getContainerName().isEmpty()
                    ? c.getName() : r.getContainerName();
            return DownwardApi.resourceFieldRef(pod, container, r.getResource(), r.getDivisor(), facts);
        }
        if (src.getConfigMapKeyRef() != null) {
            var ref = src.getConfigMapKeyRef();
            boolean optional = Boolean.TRUE.equals(ref.getOptional());
            ConfigMap cm = objects.configMap(ns, ref.getName());
            if (cm == null) {
                if (optional) {
                    return null;
                }
                throw new ContainerConfigException("configmap \"" + ref.getName() + "\" not found");
            }
            String v = configMapData(cm).get(ref.getKey());
            if (v == null && !optional) {
                throw new ContainerConfigException("couldn't find key " + ref.getKey() + " in ConfigMap " + ns + "/"
                        + ref.getName());
            }
            return v;
        }
        if (src.getSecretKeyRef() != null) {
            var ref = src.getSecretKeyRef();
            boolean optional = Boolean.TRUE.equals(ref.getOptional());
            Secret s = objects.secret(ns, ref.getName());
            if (s == null) {
                if (optional) {
                    return null;
                }
                throw new ContainerConfigException("secret \"" + ref.getName() + "\" not found");
            }
            String v = secretData(s).get(ref.getKey());
            if (v == null && !optional) {
                throw new ContainerConfigException("couldn't find key " + ref.getKey() + " in Secret " + ns + "/"
                        + ref.getName());
            }
            return v;
        }
        return "";
    }

    static Map<String, String> configMapData(ConfigMap cm) {
        Map<String, String> m = new LinkedHashMap<>();
        if (cm.getData() != null) {
            m.putAll(cm.getData());
        }
        return m;
    }

    static Map<String, String> secretData(Secret s) {
        Map<String, String> m = new LinkedHashMap<>();
        if (s.getData() != null) {
            s.getData().forEach((k, v) -> m.put(k, new String(Base64.getDecoder().decode(v), StandardCharsets.UTF_8)));
        }
        if (s.getStringData() != null) {
            m.putAll(s.getStringData());
        }
        return m;
    }

    /**
     * Expands {@code $(NAME)} from {@code env} as upstream does: {@code $$} is an escaped {@code $}; references to
     * unknown names, and unterminated ones, stay as written.
     */
    public static String expand(String s, Map<String, String> env) {
        if (s.indexOf('$') < 0) {
            return s;
        }
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < s.length()) {
            char ch = s.charAt(i);
            if (ch != '$' || i + 1 >= s.length()) {
                out.append(ch);
                i++;
                continue;
            }
            char next = s.charAt(i + 1);
            if (next == '$') {
                out.append('$');
                i += 2;
            } else if (next == '(') {
                int close = s.indexOf(')', i + 2);
                if (close < 0) {
                    out.append(s, i, s.length()); // unterminated: kept as is
                    return out.toString();
                }
                String name = s.substring(i + 2, close);
                String v = env.get(name);
                out.append(v != null ? v : "$(" + name + ")");
                i = close + 1;
            } else {
                out.append(ch); // a lone $ stays
                i++;
            }
        }
        return out.toString();
    }
}

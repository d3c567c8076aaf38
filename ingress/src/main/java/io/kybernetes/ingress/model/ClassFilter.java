package io.kybernetes.ingress.model;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressClass;

/**
 * Which Ingresses this controller serves, as upstream decides it: {@code spec.ingressClassName} naming an
 * IngressClass whose {@code spec.controller} is ours (or the deprecated {@code kubernetes.io/ingress.class}
 * annotation naming our class), and Ingresses without a class when one of our classes is marked default
 * ({@code ingressclass.kubernetes.io/is-default-class: "true"}) or {@code --watch-ingress-without-class} is set.
 */
public final class ClassFilter {

    public static final String DEFAULT_CLASS_ANNOTATION = "ingressclass.kubernetes.io/is-default-class";
    public static final String CLASS_ANNOTATION = "kubernetes.io/ingress.class";

    private final Set<String> ourClasses;
    private final boolean takeClassless;

    private ClassFilter(Set<String> ourClasses, boolean takeClassless) {
        this.ourClasses = ourClasses;
        this.takeClassless = takeClassless;
    }

    /**
     * @param ingressClass    the class name of {@code --ingress-class}, ours even before its IngressClass exists
     * @param controllerClass the {@code spec.controller} that marks an IngressClass as ours
     */
    public static ClassFilter of(List<IngressClass> classes, String ingressClass, String controllerClass,
            boolean watchWithoutClass) {
        List<IngressClass> ours = classes.stream()
                .filter(c -> c.getSpec() != null && controllerClass.equals(c.getSpec().getController()))
                .collect(Collectors.toList());
        Set<String> names = ours.stream().map(c -> c.getMetadata().getName()).collect(Collectors.toSet());
        boolean ownNamedClassTaken = classes.stream()
                .anyMatch(c -> c.getMetadata().getName().equals(ingressClass) && !names.contains(ingressClass));
        if (!ownNamedClassTaken) {
            names.add(ingressClass);
        }
        boolean defaultIsOurs = ours.stream().anyMatch(c -> {
            Map<String, String> a = c.getMetadata().getAnnotations();
            return a != null && "true".equals(a.get(DEFAULT_CLASS_ANNOTATION));
        });
        return new ClassFilter(Set.copyOf(names), watchWithoutClass || defaultIsOurs);
    }

    public boolean serves(Ingress ingress) {
        String cls = ingress.getSpec() == null ? null : ingress.getSpec().getIngressClassName();
        if (cls == null || cls.isEmpty()) {
            Map<String, String> a = ingress.getMetadata().getAnnotations();
            cls = a == null ? null : a.get(CLASS_ANNOTATION);
        }
        if (cls == null || cls.isEmpty()) {
            return takeClassless;
        }
        return ourClasses.contains(cls);
    }
}

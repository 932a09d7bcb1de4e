//! The manifest the playground starts with: the headless Service and nginx
//! StatefulSet of the Kubernetes StatefulSet basics tutorial (seed lesson 002),
//! without volumes so the first steps stay about names and order.

/// File name the sample is saved under in the virtual working directory.
pub const SAMPLE_FILE: &str = "web.yaml";

/// The sample manifest.
pub const SAMPLE_MANIFEST: &str = "\
apiVersion: v1
kind: Service
metadata:
  name: nginx
  labels:
    app: nginx
spec:
  ports:
  - port: 80
    name: web
  clusterIP: None
  selector:
    app: nginx
---
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: web
spec:
  serviceName: \"nginx\"
  replicas: 2
  selector:
    matchLabels:
      app: nginx
  template:
    metadata:
      labels:
        app: nginx
    spec:
      containers:
      - name: nginx
        image: registry.k8s.io/nginx-slim:0.24
        ports:
        - containerPort: 80
          name: web
";

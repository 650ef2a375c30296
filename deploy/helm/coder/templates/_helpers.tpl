{{- define "coder.name" -}}
{{- .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "coder.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "coder.selectorLabels" -}}
app.kubernetes.io/name: {{ include "coder.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "coder.labels" -}}
{{ include "coder.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
{{- end -}}

{{/* The access URL: the value, else the ingress host, else the Service. */}}
{{- define "coder.accessURL" -}}
{{- if .Values.coder.accessURL -}}
{{- .Values.coder.accessURL -}}
{{- else if and .Values.ingress.enabled .Values.ingress.host -}}
{{- printf "https://%s" .Values.ingress.host -}}
{{- else if .Values.coder.tls.secretName -}}
{{- printf "https://%s.%s.svc.cluster.local" (include "coder.fullname" .) .Release.Namespace -}}
{{- else -}}
{{- printf "http://%s.%s.svc.cluster.local" (include "coder.fullname" .) .Release.Namespace -}}
{{- end -}}
{{- end -}}

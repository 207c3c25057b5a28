module github.com/openlot/openlot

go 1.26.0

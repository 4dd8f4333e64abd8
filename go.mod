module github.com/seminarkit/seminar

go 1.26
